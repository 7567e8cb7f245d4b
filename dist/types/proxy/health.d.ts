/**
 * What the proxy says about itself: the /healthz answer, and the gauges of /metrics read
 * from it. Both read the outbox, the forwarder and the catalog as they are now.
 */
import { type BacklogReport } from './backlog-report.js';
import type { UpstreamError } from './contracts/upstream-error.js';
import type { Metrics } from './metrics.js';
import type { Outbox, StoreConnection } from './store/outbox.js';
import type { Forwarder } from './upstream/forwarder.js';
import type { CatalogHealth, MediaCatalog } from './upstream/media-catalog.js';
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
export interface HealthSources {
    outbox: Outbox;
    /** Undefined in a dry run. */
    forwarder: Forwarder | undefined;
    /** Undefined unless media objects are on, and not dry. */
    catalog: () => MediaCatalog | undefined;
    mediaObjects: 'off' | 'create' | undefined;
    dryRun: boolean;
    rateLimit: number;
    now: () => number;
}
export declare function readHealth(s: HealthSources): () => Promise<Health>;
/** The Prometheus text: the counters, and the gauges read from `health`. */
export declare function renderMetrics(metrics: Metrics, outbox: Outbox, health: () => Promise<Health>): () => Promise<string>;
