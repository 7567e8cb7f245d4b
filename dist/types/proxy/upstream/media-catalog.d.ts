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
 *
 * This file holds the catalog's face to the proxy (what waits for which object); its parts
 * are each in a file of their own: the copy in memory and in the store (catalog-snapshot.ts),
 * listing (catalog-listing.ts), claiming and creating (catalog-creation.ts), the calls to
 * HubSpot (object-calls.ts) and what /healthz shows (catalog-health.ts).
 */
import type { WireEvent } from '../../wire.js';
import type { PortalStore } from '../store/portal-store.js';
import { type CatalogHealth } from './catalog-health.js';
import { type ObjectCall } from './media-objects.js';
import { type ObjectCallsOptions } from './object-calls.js';
export type { CatalogHealth } from './catalog-health.js';
/** How long a media's events wait for its object, from the first of them. */
export declare const DEFAULT_OBJECT_WAIT_MS = 5000;
/** How old a media type's listing may be before it is read again. */
export declare const DEFAULT_CATALOG_REFRESH_MS: number;
/** How to reach HubSpot, as the object calls do (object-calls.ts). */
export interface MediaCatalogOptions extends Pick<ObjectCallsOptions, 'tokens' | 'limit' | 'fetch' | 'apiBase' | 'timeoutMs' | 'policy' | 'log'> {
    store: PortalStore;
    now?: () => number;
    random?: () => number;
    waitMs?: number;
    refreshMs?: number;
    /** Told about each object call's outcome (HTTP status, timeout or network), for /metrics. */
    onCall?: (call: ObjectCall, outcome: string) => void;
    /** A media's events need wait no longer (its object is known, refused, or given up on). */
    onReady?: () => void;
}
export declare class MediaCatalog {
    private readonly o;
    private readonly pending;
    private readonly abort;
    private readonly tasks;
    /** Names this process in creation claims. */
    private readonly owner;
    private readonly snapshot;
    private readonly calls;
    private readonly listing;
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
    private findOrCreate;
    /** Records were learned: the events of those that have an object may go. */
    private learned;
    private settle;
    private settleAll;
    /** Runs a background task to its end; an abort at close is not an error. */
    private track;
}
