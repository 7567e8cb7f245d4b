/**
 * Requests to HubSpot: one Media Bridge event (`postEvent`), or any other call
 * (`callHubSpot`, used for media objects).
 *
 * The request is built here from scratch: the path from a validated event type, the base
 * URL from the server's configuration, and only our own headers. Nothing of the client's
 * request (its Cookie, its Authorization, any other header) can reach HubSpot.
 */
import type { EventType, WireEvent } from '../../wire.js';
import { type UpstreamResult } from './backoff.js';
export declare const DEFAULT_API_BASE = "https://api.hubapi.com";
export declare const DEFAULT_TIMEOUT_MS = 10000;
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export interface HubSpotRequest {
    fetch: FetchLike;
    /** The API base from configuration, e.g. https://api.hubapi.com. */
    apiBase: string;
    type: EventType;
    /** The JSON body, as built by `hubspotBody`. */
    body: string;
    token: string;
    timeoutMs: number;
    now: () => number;
}
/** The URL of one event type's endpoint. */
export declare function eventUrl(apiBase: string, type: EventType): string;
/** HubSpot's body for a wire event: every field but the wire's own `type` and `id`. */
export declare function hubspotBody(event: WireEvent): string;
/** Sends one event; never throws. */
export declare function postEvent(req: HubSpotRequest): Promise<UpstreamResult>;
/** One request to HubSpot, at a URL built by this module's callers from configuration. */
export interface HubSpotCall {
    fetch: FetchLike;
    method: 'GET' | 'POST';
    url: string;
    /** The JSON body, for a POST. */
    body?: string;
    token: string;
    timeoutMs: number;
    now: () => number;
}
/** Makes one request and reads its answer; never throws. */
export declare function callHubSpot(req: HubSpotCall): Promise<UpstreamResult>;
