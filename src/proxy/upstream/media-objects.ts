/**
 * Media objects, the pure parts: what an object is created from, HubSpot's answers read
 * into what the catalog keeps, and what a failed call means.
 *
 * HubSpot's date-versioned Media Bridge API (spec `CMS/Media Bridge/Rollouts/787/2026-09`):
 * - `GET /media-bridge/2026-09/objects/{mediaType}?limit=&after=` answers
 *   `{results: [MediaBridgeObject], paging: {next: {after}}}` (scope `media_bridge.read`);
 * - `POST /media-bridge/2026-09/objects` takes `{mediaType, title, externalId?, fileUrl?,
 *   oembedUrl?, detailsPageLink?, …}` and answers the MediaBridgeObject (scopes `files`, `media_bridge.write`).
 * A MediaBridgeObject has a string `id`; events name it as the integer `mediaBridgeId`.
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { UpstreamError, UpstreamResult } from './backoff.js';

export const OBJECTS_PATH = '/media-bridge/2026-09/objects';
/** Objects per listing page. HubSpot's default is 20; 100 is the usual CRM maximum. */
export const LIST_PAGE_LIMIT = 100;

export type ObjectCall = 'list' | 'create';

/** The body of `POST /media-bridge/2026-09/objects`. */
export interface NewMediaObject {
  mediaType: MediaType;
  title: string;
  externalId: string;
  fileUrl?: string;
  /** An embedded YouTube or Vimeo video's canonical URL, from which HubSpot shows the video. */
  oembedUrl?: string;
  detailsPageLink?: string;
}

/** The canonical URL of a YouTube or Vimeo video, as the tracker sends an embed's `mediaUrl`. */
const EMBEDDED = /^https:\/\/(www\.youtube\.com\/watch\?v=[\w-]+|vimeo\.com\/\d+)$/;

/** One object of a listing, as far as the catalog needs it. */
export interface ListedObject {
  id: string;
  mediaType: MediaType;
  externalId?: string;
}

/** The catalog's key of a media: its type and external id. */
export function mediaKey(mediaType: MediaType, externalId: string): string {
  return `${mediaType}\u0000${externalId}`;
}

/**
 * The object to create for the media an event names: its type; the title from `mediaName`,
 * else the file name of `mediaUrl`, else the external id; `oembedUrl` from the canonical URL
 * of a YouTube or Vimeo embed, else `fileUrl` from an http(s) `mediaUrl`; `detailsPageLink`
 * from the first page it was seen on.
 */
export function newMediaObject(event: WireEvent, firstPageUrl: string | undefined): NewMediaObject {
  const externalId = event.externalId!;
  const body: NewMediaObject = { mediaType: event.mediaType, title: titleOf(event), externalId };
  if (EMBEDDED.test(event.mediaUrl ?? '')) body.oembedUrl = event.mediaUrl;
  else if (isHttp(event.mediaUrl)) body.fileUrl = event.mediaUrl;
  if (isHttp(firstPageUrl)) body.detailsPageLink = firstPageUrl;
  return body;
}

export function titleOf(event: Pick<WireEvent, 'mediaName' | 'mediaUrl' | 'externalId'>): string {
  const name = event.mediaName?.trim();
  if (name) return name;
  const file = isHttp(event.mediaUrl) ? fileNameOf(event.mediaUrl) : undefined;
  return file ?? event.externalId ?? 'Untitled media';
}

/** The last path segment of a URL, decoded ("intro%20cut.mp4" → "intro cut.mp4"). */
export function fileNameOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last).trim() || undefined;
  } catch {
    return last;
  }
}

function isHttp(url: string | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** An object id as an event's `mediaBridgeId`: an integer, or undefined when it is not one. */
export function mediaBridgeIdOf(objectId: string): number | undefined {
  if (!/^\d{1,16}$/.test(objectId)) return undefined;
  const n = Number(objectId);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A listing page: its objects and the cursor of the next page; undefined when malformed. */
export function readListingPage(body: unknown): { objects: ListedObject[]; after?: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { results, paging } = body as { results?: unknown; paging?: { next?: { after?: unknown } } };
  if (!Array.isArray(results)) return undefined;
  const objects: ListedObject[] = [];
  for (const r of results) {
    const o = readObject(r);
    if (o) objects.push(o);
  }
  const after = paging?.next?.after;
  return typeof after === 'string' && after !== '' ? { objects, after } : { objects };
}

/** A MediaBridgeObject's id, type and external id; undefined when it lacks an id. */
export function readObject(body: unknown): ListedObject | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const id = typeof b.id === 'number' ? String(b.id) : b.id;
  if (typeof id !== 'string' || id === '' || typeof b.mediaType !== 'string') return undefined;
  const o: ListedObject = { id, mediaType: b.mediaType as MediaType };
  if (typeof b.externalId === 'string' && b.externalId !== '') o.externalId = b.externalId;
  return o;
}

/**
 * The scopes a 403 says are missing: HubSpot's `context.missingScopes` (or an error
 * detail's), else the scopes the call needs.
 */
export function missingScopes(call: ObjectCall, result: UpstreamResult): string[] {
  const found = new Set<string>();
  const collect = (context: unknown) => {
    const scopes = (context as { missingScopes?: unknown } | undefined)?.missingScopes;
    if (Array.isArray(scopes)) for (const s of scopes) if (typeof s === 'string' && /^[\w.-]{1,64}$/.test(s)) found.add(s);
  };
  const body = result.body as { context?: unknown; errors?: Array<{ context?: unknown }> } | undefined;
  if (body && typeof body === 'object') {
    collect(body.context);
    if (Array.isArray(body.errors)) for (const e of body.errors) collect(e?.context);
  }
  if (found.size) return [...found];
  return call === 'list' ? ['media_bridge.read'] : ['files', 'media_bridge.write'];
}

/** What the catalog keeps about a failure, for /healthz. */
export interface ObjectFailure extends UpstreamError {
  call: ObjectCall;
  mediaType: MediaType;
  externalId?: string;
  at: number;
}
