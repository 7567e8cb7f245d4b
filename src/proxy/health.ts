/**
 * What the proxy says about itself: the /healthz answer, and the gauges of /metrics read
 * from it. Both read the outbox, the forwarder and the catalog as they are now.
 */
import { backlogReport, type BacklogReport } from './backlog-report.js';
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
  outbox: { pending: number; oldestPendingAgeSeconds: number | null; deadLetters: number };
  /** Where the queue stands against HubSpot's limit: what waits, by type, the send rate, the projected drain (docs/capacity.md). */
  backlog: BacklogReport;
  /** `inFlight` is this instance's; the state (pauses) is shared with a shared store. */
  upstream: { state: 'ok' | 'backing-off' | 'daily-limit' | 'unauthorized' | 'dry-run'; until?: string; inFlight: number; rateLimit: number };
  deadLetters: Array<{ id: string; type: string; sessionId: string; failedAt?: string; attempts: number } & UpstreamError>;
  /** The media catalog (`mediaObjects`): off, on but dry, or its counts and errors. */
  mediaObjects: { mode: 'off' } | { mode: 'create'; state: 'dry-run' } | CatalogHealth;
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

export function readHealth(s: HealthSources): () => Promise<Health> {
  return async function health() {
    const { outbox, forwarder } = s;
    const at = s.now();
    const [stats, dead] = await Promise.all([outbox.stats(at), outbox.deadLetters(10)]);
    const state = forwarder ? await forwarder.state(at) : { state: 'dry-run' as const };
    const store = outbox.connection?.();
    const catalog = s.catalog();
    return {
      ok: true,
      dryRun: s.dryRun,
      ...(store ? { store } : {}),
      outbox: {
        pending: stats.pending,
        oldestPendingAgeSeconds: stats.oldestPendingAt === undefined ? null : Math.max(0, (at - stats.oldestPendingAt) / 1000),
        deadLetters: stats.dead,
      },
      backlog: backlogReport(stats, at, outbox.backlogPolicy?.()),
      upstream: {
        state: state.state,
        ...('until' in state ? { until: new Date(state.until).toISOString() } : {}),
        inFlight: forwarder?.inFlightCount ?? 0,
        rateLimit: s.rateLimit,
      },
      deadLetters: dead.map((d) => ({
        id: d.id,
        type: d.type,
        sessionId: d.sessionId,
        ...(d.doneAt !== undefined ? { failedAt: new Date(d.doneAt).toISOString() } : {}),
        attempts: d.attempts,
        ...d.error,
      })),
      mediaObjects: catalog ? catalog.health() : s.mediaObjects === 'create' ? { mode: 'create', state: 'dry-run' } : { mode: 'off' },
    };
  };
}

/** The Prometheus text: the counters, and the gauges read from `health`. */
export function renderMetrics(metrics: Metrics, outbox: Outbox, health: () => Promise<Health>): () => Promise<string> {
  return async function render() {
    const store = outbox.connection?.();
    if (store) metrics.set('media_bridge_store_connected', store.state === 'ready' ? 1 : 0);
    const h = await health();
    metrics.set('media_bridge_outbox_pending', h.outbox.pending);
    metrics.set('media_bridge_outbox_oldest_pending_age_seconds', h.outbox.oldestPendingAgeSeconds ?? 0);
    metrics.set('media_bridge_outbox_dead_letters', h.outbox.deadLetters);
    metrics.setBacklog(h.backlog);
    metrics.set('media_bridge_upstream_in_flight', h.upstream.inFlight);
    metrics.set('media_bridge_upstream_paused', h.upstream.state === 'ok' || h.upstream.state === 'dry-run' ? 0 : 1);
    if ('known' in h.mediaObjects) {
      metrics.set('media_bridge_media_objects_known', h.mediaObjects.known);
      metrics.set('media_bridge_media_objects_failed', h.mediaObjects.failed);
    }
    return metrics.render();
  };
}
