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
export declare const OBJECTS_PATH = "/media-bridge/2026-09/objects";
/** Objects per listing page. HubSpot's default is 20; 100 is the usual CRM maximum. */
export declare const LIST_PAGE_LIMIT = 100;
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
/** One object of a listing, as far as the catalog needs it. */
export interface ListedObject {
    id: string;
    mediaType: MediaType;
    externalId?: string;
}
/** The catalog's key of a media: its type and external id. */
export declare function mediaKey(mediaType: MediaType, externalId: string): string;
/**
 * The object to create for the media an event names: its type; the title from `mediaName`,
 * else the file name of `mediaUrl`, else the external id; `oembedUrl` from the canonical URL
 * of a YouTube or Vimeo embed, else `fileUrl` from an http(s) `mediaUrl`; `detailsPageLink`
 * from the first page it was seen on.
 */
export declare function newMediaObject(event: WireEvent, firstPageUrl: string | undefined): NewMediaObject;
export declare function titleOf(event: Pick<WireEvent, 'mediaName' | 'mediaUrl' | 'externalId'>): string;
/** The last path segment of a URL, decoded ("intro%20cut.mp4" → "intro cut.mp4"). */
export declare function fileNameOf(url: string): string | undefined;
/** An object id as an event's `mediaBridgeId`: an integer, or undefined when it is not one. */
export declare function mediaBridgeIdOf(objectId: string): number | undefined;
/** A listing page: its objects and the cursor of the next page; undefined when malformed. */
export declare function readListingPage(body: unknown): {
    objects: ListedObject[];
    after?: string;
} | undefined;
/** A MediaBridgeObject's id, type and external id; undefined when it lacks an id. */
export declare function readObject(body: unknown): ListedObject | undefined;
/**
 * The scopes a 403 says are missing: HubSpot's `context.missingScopes` (or an error
 * detail's), else the scopes the call needs.
 */
export declare function missingScopes(call: ObjectCall, result: UpstreamResult): string[];
/** What the catalog keeps about a failure, for /healthz. */
export interface ObjectFailure extends UpstreamError {
    call: ObjectCall;
    mediaType: MediaType;
    externalId?: string;
    at: number;
}
