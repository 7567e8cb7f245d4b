/**
 * The two media-object calls, built from configuration and validated values only: the
 * media type comes from a validated event, and the cursor goes in the query string.
 */
import type { MediaType } from '../../wire.js';
import type { UpstreamResult } from './backoff.js';
import { callHubSpot, type FetchLike } from './hubspot-client.js';
import { LIST_PAGE_LIMIT, OBJECTS_PATH, type NewMediaObject } from './media-objects.js';

export interface ObjectsRequest {
  fetch: FetchLike;
  apiBase: string;
  token: string;
  timeoutMs: number;
  now: () => number;
}

/** `GET /media-bridge/2026-09/objects/{mediaType}?limit=…&after=…`: one page. */
export function listMediaObjects(req: ObjectsRequest, mediaType: MediaType, after?: string, limit = LIST_PAGE_LIMIT): Promise<UpstreamResult> {
  const url = new URL(`${req.apiBase.replace(/\/+$/, '')}${OBJECTS_PATH}/${encodeURIComponent(mediaType)}`);
  url.searchParams.set('limit', String(limit));
  if (after !== undefined) url.searchParams.set('after', after);
  return callHubSpot({ ...req, method: 'GET', url: url.href });
}

/** `POST /media-bridge/2026-09/objects`. */
export function createMediaObject(req: ObjectsRequest, object: NewMediaObject): Promise<UpstreamResult> {
  return callHubSpot({ ...req, method: 'POST', url: `${req.apiBase.replace(/\/+$/, '')}${OBJECTS_PATH}`, body: JSON.stringify(object) });
}
