import { type RetryPolicy, type UpstreamError } from './upstream/backoff.js';
import { type FetchLike } from './upstream/hubspot-client.js';
import { type Listener, type ProxyEventName } from './listeners.js';
import { type Logger, type LogLevel } from './log.js';
import { type BacklogReport } from './backlog-report.js';
import { type TokenSource } from './upstream/oauth.js';
import type { Outbox, OutboxEvent, StoreConnection } from './store/outbox.js';
import { type CatalogHealth } from './upstream/media-catalog.js';
import { type ValidationOptions } from './http/validate.js';
/** The request, as much of it as the proxy needs. */
export interface ProxyRequest {
    method: string;
    /** The path, without the query string. */
    path: string;
    /** A header by lower-case name. */
    header(name: string): string | undefined;
    /** The socket peer's address, when the runtime knows it. */
    peer?: string;
    /** Reads the body as UTF-8 text; resolves null as soon as it exceeds `limit` bytes. */
    readBody(limit: number): Promise<string | null>;
}
/** The answer. */
export interface ProxyReply {
    status: number;
    headers: Record<string, string>;
    body: string;
}
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
/** The /healthz answer. */
export interface Health {
    ok: boolean;
    dryRun: boolean;
    /** A store on a server of its own (Redis): which queue, and this instance's connection to it. */
    store?: StoreConnection;
    /** The outbox; with a shared store, the queue of every instance on it. */
    outbox: {
        pending: number;
        oldestPendingAgeSeconds: number | null;
        deadLetters: number;
    };
    /** Where the queue stands against HubSpot's limit: what waits, by type, the send rate, the projected drain (docs/capacity.md). */
    backlog: BacklogReport;
    /** `inFlight` is this instance's; the state (pauses) is shared with a shared store. */
    upstream: {
        state: 'ok' | 'backing-off' | 'daily-limit' | 'unauthorized' | 'dry-run';
        until?: string;
        inFlight: number;
        rateLimit: number;
    };
    deadLetters: Array<{
        id: string;
        type: string;
        sessionId: string;
        failedAt?: string;
        attempts: number;
    } & UpstreamError>;
    /** The media catalog (`mediaObjects`): off, on but dry, or its counts and errors. */
    mediaObjects: {
        mode: 'off';
    } | {
        mode: 'create';
        state: 'dry-run';
    } | CatalogHealth;
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
