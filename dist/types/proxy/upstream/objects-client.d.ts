/**
 * The two media-object calls, built from configuration and validated values only: the
 * media type comes from a validated event, and the cursor goes in the query string.
 */
import type { MediaType } from '../../wire.js';
import type { UpstreamResult } from './backoff.js';
import { type FetchLike } from './hubspot-client.js';
import { type NewMediaObject } from './media-objects.js';
export interface ObjectsRequest {
    fetch: FetchLike;
    apiBase: string;
    token: string;
    timeoutMs: number;
    now: () => number;
}
/** `GET /media-bridge/2026-09/objects/{mediaType}?limit=…&after=…`: one page. */
export declare function listMediaObjects(req: ObjectsRequest, mediaType: MediaType, after?: string, limit?: number): Promise<UpstreamResult>;
/** `POST /media-bridge/2026-09/objects`. */
export declare function createMediaObject(req: ObjectsRequest, object: NewMediaObject): Promise<UpstreamResult>;
