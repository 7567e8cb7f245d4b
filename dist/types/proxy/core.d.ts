/**
 * The proxy itself, independent of any runtime: a request-ish object in, a status, headers
 * and body out. The Fetch handler, the node:http adapter and the Express middleware are thin
 * shells around `handle`.
 *
 * `createMediaBridgeProxy` wires the parts, each built by a step of its own below: the token
 * source (and the logger that scrubs its secrets), the gate every request to HubSpot goes
 * through, the forwarder, the media catalog, and the HTTP intake and status routes.
 */
import type { ValidationOptions } from './http/validate.js';
import type { ProxyReply, ProxyRequest } from './http/reply.js';
import { type Health } from './health.js';
import { type Listener, type ProxyEventName } from './listeners.js';
import { type Logger, type LogLevel } from './log.js';
import type { Outbox, OutboxEvent } from './store/outbox.js';
import { type RetryPolicy } from './upstream/backoff.js';
import { type FetchLike } from './upstream/hubspot-client.js';
import { type TokenSource } from './upstream/oauth.js';
export type { Health } from './health.js';
export type { ProxyReply, ProxyRequest } from './http/reply.js';
/** How to reach HubSpot. Without `accessToken`, `oauth` or `tokens`, the proxy runs dry. */
export interface HubSpotOptions {
    /** A private app's (or other static) access token. */
    accessToken?: string;
    /** OAuth: refreshed before it expires and once on a 401; a rotated refresh token is kept in the outbox's store. */
    oauth?: {
        clientId: string;
        clientSecret: string;
        refreshToken: string;
    };
    /** Any other token source. */
    tokens?: TokenSource;
    /** Upstream base URL. Default https://api.hubapi.com. */
    apiBase?: string;
    /** Requests per 10 s toward HubSpot. Default 90. */
    rateLimit?: number;
    /** The window `rateLimit` counts in, ms. Default 10,000 (HubSpot's); shorter only to play time faster (`npm run simulate`). */
    rateWindowMs?: number;
    /** Per-request timeout, ms. Default 10,000. */
    timeoutMs?: number;
    /** Most requests in flight at once. Default 8. */
    maxInFlight?: number;
    /** Retry and backoff knobs. */
    retry?: Partial<RetryPolicy>;
    /** The fetch used upstream. Default the global fetch. */
    fetch?: FetchLike;
}
export interface ProxyOptions {
    /** HubSpot; leave the credentials out to run dry (validate and store, send nothing). */
    hubspot?: HubSpotOptions;
    /** Where events wait. Default a MemoryOutbox, which is not durable. */
    outbox?: Outbox;
    /** Origins allowed to post; `*` for any. Default empty: same origin only. */
    allowedOrigins?: readonly string[];
    /** Proxies in front of this one whose X-Forwarded-For (and -Host) to trust: true = 1. Default 0. */
    trustProxy?: boolean | number;
    /** Ingest requests per minute per client IP; 0 turns it off. Default 600. */
    clientRateLimit?: number;
    /** Validation knobs. */
    validation?: ValidationOptions;
    /** Route paths; false turns a route off. Defaults /media-events, /healthz, /metrics. */
    paths?: {
        events?: string;
        health?: string | false;
        metrics?: string | false;
    };
    /** Forward in the background. Default true (when not dry). Off: call `forwardPending()`. */
    forward?: boolean;
    /** Default: JSON lines on the console, at `logLevel`, with the credentials scrubbed. */
    logger?: Logger;
    /** Level of the default logger. Default info. */
    logLevel?: LogLevel;
    /**
     * `create`: keep a catalog of the portal's media objects, create each missing one before
     * its media's first event goes, and give events its `mediaBridgeId`. Default `off`.
     */
    mediaObjects?: 'off' | 'create';
    /** How long a new media's events wait for its object, from the first of them. Default 5,000 ms. */
    mediaObjectWaitMs?: number;
    /** How old a media type's listing may be before it is read again. Default 24 h. */
    mediaCatalogRefreshMs?: number;
    /** The clock. Default Date.now. */
    now?: () => number;
}
export interface MediaBridgeProxy {
    /** True when no HubSpot credentials are set: events are stored, nothing is sent. */
    readonly dryRun: boolean;
    readonly outbox: Outbox;
    /** Answers a request, or resolves undefined when its path is none of the proxy's. */
    handle(req: ProxyRequest): Promise<ProxyReply | undefined>;
    /** Listens to what happens to events; returns a function that stops listening. */
    on<K extends ProxyEventName>(name: K, listener: Listener<K>): () => void;
    health(): Promise<Health>;
    /** The Prometheus text. */
    metrics(): Promise<string>;
    /** The latest stored events, newest first (what a dry run would have sent). */
    recent(limit?: number): Promise<OutboxEvent[]>;
    /** Sends what the rate limit allows now and waits for the answers (for serverless runtimes). */
    forwardPending(): Promise<void>;
    /** Stops forwarding, waits for requests in flight to HubSpot, and closes the outbox. */
    close(): Promise<void>;
}
export declare function createMediaBridgeProxy(options?: ProxyOptions): MediaBridgeProxy;
