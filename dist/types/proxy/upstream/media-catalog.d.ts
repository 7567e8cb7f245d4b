/**
 * The media catalog: which media objects the portal has, kept in step as events arrive.
 *
 * - **Look before creating.** Each media type's listing is read whole, every page, and kept
 *   in the store (PortalStore) with when it ended. VIDEO and AUDIO are listed at start-up,
 *   other types at their first event; a listing older than `refreshMs` (24 h) is read again,
 *   in the background, and no object is created until its type has a listing that fresh.
 *   Before listing again it looks in the store: a proxy sharing it (Redis) may have just
 *   listed, and then this one takes that listing instead.
 * - **Create once, first.** The first event naming an unknown `externalId` starts its
 *   creation; later ones join it. The store's claim makes it one creation across restarts
 *   and proxies sharing a store.
 * - **Never block events.** The forwarder holds a media's events back (`holdUntil`, off the
 *   rate limit) while its object is found or made, at most `waitMs` (5 s) from the first of
 *   them, then sends them with its `mediaBridgeId` (`withMediaBridgeId`) or without. A 403 stops object calls until
 *   restart; a 400 is kept as that object's error; 5xx, timeouts and 429s are retried under
 *   the backoff rules, within the rate limit shared with events (SharedLimit).
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { Logger } from '../log.js';
import type { PortalStore } from '../store/portal-store.js';
import { type RetryPolicy, type UpstreamError } from './backoff.js';
import type { FetchLike } from './hubspot-client.js';
import { type ObjectCall, type ObjectFailure } from './media-objects.js';
import type { TokenSource } from './oauth.js';
import { type SharedLimit } from './shared-limit.js';
/** How long a media's events wait for its object, from the first of them. */
export declare const DEFAULT_OBJECT_WAIT_MS = 5000;
/** How old a media type's listing may be before it is read again. */
export declare const DEFAULT_CATALOG_REFRESH_MS: number;
export interface MediaCatalogOptions {
    store: PortalStore;
    tokens: TokenSource;
    limit: SharedLimit;
    fetch: FetchLike;
    apiBase: string;
    timeoutMs: number;
    policy: RetryPolicy;
    log: Logger;
    now?: () => number;
    random?: () => number;
    waitMs?: number;
    refreshMs?: number;
    /** Told about each object call's outcome (HTTP status, timeout or network), for /metrics. */
    onCall?: (call: ObjectCall, outcome: string) => void;
    /** A media's events need wait no longer (its object is known, refused, or given up on). */
    onReady?: () => void;
}
/** The catalog in /healthz. */
export interface CatalogHealth {
    mode: 'create';
    /** `listing` while a listing is read, `stopped` after a 403 (until restart). */
    state: 'ok' | 'listing' | 'stopped';
    /** Objects with a HubSpot id: found in listings or created. */
    known: number;
    /** Of those, created by a proxy. */
    created: number;
    /** Objects HubSpot refused to create. */
    failed: number;
    /** Media whose object is being looked up or created now. */
    pending: number;
    /** When each media type's last complete listing ended. */
    listed: Partial<Record<MediaType, string>>;
    /** After a 403: the scopes HubSpot says (or the call needs) are missing. */
    missingScopes?: string[];
    lastError?: Omit<ObjectFailure, 'at'> & {
        at: string;
    };
    /** The latest objects HubSpot refused to create, with its error. */
    failures: Array<{
        mediaType: MediaType;
        externalId: string;
        failedAt: string;
    } & UpstreamError>;
}
export declare class MediaCatalog {
    private readonly o;
    private readonly known;
    private readonly listings;
    private readonly pending;
    private readonly abort;
    private readonly tasks;
    /** Names this process in creation claims. */
    private readonly owner;
    private loaded;
    /** When the store's catalog was last read. */
    private readAt;
    private stopped;
    private lastError;
    private rateLimitStreak;
    private calls;
    private readonly callQueue;
    private refreshTimer;
    constructor(options: MediaCatalogOptions);
    /** Reads the kept catalog, lists what is stale, and looks again hourly. */
    start(): void;
    /** An event was accepted: start finding or creating its media's object now. */
    notice(event: WireEvent): void;
    /**
     * Until when the forwarder holds `event` back: while its media's object is being found or
     * made, at most `waitMs` after that media's first event; 0 when it may go now.
     */
    holdUntil(event: WireEvent, now: number): number;
    /** The event as it goes to HubSpot: with its media's `mediaBridgeId` when the catalog has it. */
    withMediaBridgeId(event: WireEvent): WireEvent;
    health(): CatalogHealth;
    /** Stops calling HubSpot, lets the waiting events go, and waits for the calls in flight. */
    close(): Promise<void>;
    /** True when nothing is to be done for this record now: the object exists, or HubSpot refused it lately. */
    private settledFor;
    private idOf;
    private findOrCreate;
    private settle;
    private load;
    /** Takes in what the store holds: this proxy's catalog of a previous run, or what proxies sharing the store learned. */
    private readStore;
    private listing;
    /** Resolves true once `type` has a listing younger than `refreshMs`, reading it if needed. */
    private fresh;
    private listedLately;
    /** Lists `type` again, unless the store shows a proxy sharing it did lately. */
    private relist;
    /** Reads every page of `type`'s listing into the catalog. */
    private list;
    /** Creates `p`'s object, unless another proxy holds the claim (then waits for its result). */
    private create;
    /**
     * One call, retried until it is answered for good: 5xx, timeouts and network errors after
     * a backoff, a 429 after the pause it sets for every request, a 401 with a fresh token.
     */
    private call;
    /** A 403: the app lacks a scope. Logged once; object calls end until restart, events go on. */
    private stop;
    private fail;
    /** Adds records to the catalog and the store, and lets their waiting events go. */
    private learn;
    /** A store write: a failure is logged, and the catalog in memory goes on. */
    private keep;
    private callSlot;
    private releaseSlot;
    /** Runs a background task to its end; an abort at close is not an error. */
    private track;
}
