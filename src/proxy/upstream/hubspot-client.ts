/**
 * Requests to HubSpot: one Media Bridge event (`postEvent`), or any other call
 * (`callHubSpot`, used for media objects).
 *
 * The request is built here from scratch: the path from a validated event type, the base
 * URL from the server's configuration, and only our own headers. Nothing of the client's
 * request (its Cookie, its Authorization, any other header) can reach HubSpot.
 */
import type { EventType, WireEvent } from '../../wire.js';
import { parseRetryAfter, type UpstreamResult } from './backoff.js';

export const DEFAULT_API_BASE = 'https://api.hubapi.com';
export const DEFAULT_TIMEOUT_MS = 10_000;

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
export function eventUrl(apiBase: string, type: EventType): string {
  return `${apiBase.replace(/\/+$/, '')}/media-bridge/v1/events/${type}`;
}

/** HubSpot's body for a wire event: every field but the wire's own `type` and `id`. */
export function hubspotBody(event: WireEvent): string {
  const { type: _type, id: _id, ...body } = event;
  return JSON.stringify(body);
}

/** Sends one event; never throws. */
export function postEvent(req: HubSpotRequest): Promise<UpstreamResult> {
  return callHubSpot({ ...req, method: 'POST', url: eventUrl(req.apiBase, req.type) });
}

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
export async function callHubSpot(req: HubSpotCall): Promise<UpstreamResult> {
  const started = req.now();
  try {
    const res = await req.fetch(req.url, {
      method: req.method,
      headers: {
        authorization: `Bearer ${req.token}`,
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        accept: 'application/json',
      },
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    const result: UpstreamResult = { status: res.status, latencyMs: req.now() - started };
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'), req.now());
    if (retryAfter !== undefined) result.retryAfterMs = retryAfter;
    if (text) {
      try {
        result.body = JSON.parse(text);
      } catch {
        /* not JSON: nothing of it is kept */
      }
    }
    return result;
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    const failure = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
    return { failure, latencyMs: req.now() - started };
  }
}
