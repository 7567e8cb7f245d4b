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
import type { MediaType, WireEvent } from '../../wire.js';
import type { MediaObjectRecord, PortalStore } from '../store/portal-store.js';
import { catalogHealth, type CatalogHealth } from './catalog-health.js';
import { createObject, type NewMedia } from './catalog-creation.js';
import { CatalogListing } from './catalog-listing.js';
import { CatalogSnapshot } from './catalog-snapshot.js';
import { mediaKey, type ObjectCall } from './media-objects.js';
import { ObjectCalls, type ObjectCallsOptions } from './object-calls.js';

export type { CatalogHealth } from './catalog-health.js';

/** How long a media's events wait for its object, from the first of them. */
export const DEFAULT_OBJECT_WAIT_MS = 5_000;
/** How old a media type's listing may be before it is read again. */
export const DEFAULT_CATALOG_REFRESH_MS = 24 * 3600_000;
/** The types the tracker reports, listed at start-up. */
const EAGER_TYPES: MediaType[] = ['VIDEO', 'AUDIO'];

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

/** A media whose object is being found or made, and its events' deadline. */
interface Pending extends NewMedia {
  key: string;
  deadline: number;
  settled: boolean;
}

export class MediaCatalog {
  private readonly o: Required<Omit<MediaCatalogOptions, 'onCall' | 'onReady'>> & Pick<MediaCatalogOptions, 'onCall' | 'onReady'>;
  private readonly pending = new Map<string, Pending>();
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();
  /** Names this process in creation claims. */
  private readonly owner = `p-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  private readonly snapshot: CatalogSnapshot;
  private readonly calls: ObjectCalls;
  private readonly listing: CatalogListing;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MediaCatalogOptions) {
    const o = (this.o = {
      now: Date.now,
      random: Math.random,
      ...options,
      waitMs: options.waitMs ?? DEFAULT_OBJECT_WAIT_MS,
      refreshMs: options.refreshMs ?? DEFAULT_CATALOG_REFRESH_MS,
    });
    this.snapshot = new CatalogSnapshot(o.store, o.log, o.now, (records) => this.learned(records));
    this.calls = new ObjectCalls({ ...o, signal: this.abort.signal, onStop: () => this.settleAll() });
    this.listing = new CatalogListing(this.snapshot, this.calls, o);
  }

  /** Reads the kept catalog, lists what is stale, and looks again hourly. */
  start(): void {
    for (const type of EAGER_TYPES) this.track(this.listing.fresh(type));
    this.refreshTimer = setInterval(() => {
      for (const [type, l] of this.snapshot.listings) if (l.listedAt !== undefined) this.track(this.listing.fresh(type));
    }, Math.min(this.o.refreshMs, 3600_000));
    (this.refreshTimer as { unref?: () => void }).unref?.();
  }

  /** An event was accepted: start finding or creating its media's object now. */
  notice(event: WireEvent): void {
    if (this.calls.stopped || this.abort.signal.aborted || event.mediaBridgeId !== undefined || !event.externalId) return;
    const key = mediaKey(event.mediaType, event.externalId);
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.pageUrl ??= event.pageUrl;
      if (waiting.event.mediaName === undefined && event.mediaName !== undefined) waiting.event = { ...waiting.event, mediaName: event.mediaName };
      if (waiting.event.mediaUrl === undefined && event.mediaUrl !== undefined) waiting.event = { ...waiting.event, mediaUrl: event.mediaUrl };
      return;
    }
    const now = this.o.now();
    if (this.settledFor(this.snapshot.known.get(key), now)) return;
    const p: Pending = { key, mediaType: event.mediaType, externalId: event.externalId, event, pageUrl: event.pageUrl, deadline: now + this.o.waitMs, settled: false };
    this.pending.set(key, p);
    this.track(this.findOrCreate(p));
  }

  /**
   * Until when the forwarder holds `event` back: while its media's object is being found or
   * made, at most `waitMs` after that media's first event; 0 when it may go now.
   */
  holdUntil(event: WireEvent, now: number): number {
    if (event.mediaBridgeId !== undefined || !event.externalId) return 0;
    const key = mediaKey(event.mediaType, event.externalId);
    if (this.snapshot.idOf(key) !== undefined) return 0;
    this.notice(event); // an event stored before a restart
    const p = this.pending.get(key);
    return p && p.deadline > now ? p.deadline : 0;
  }

  /** The event as it goes to HubSpot: with its media's `mediaBridgeId` when the catalog has it. */
  withMediaBridgeId(event: WireEvent): WireEvent {
    if (event.mediaBridgeId !== undefined || !event.externalId) return event;
    const id = this.snapshot.idOf(mediaKey(event.mediaType, event.externalId));
    return id === undefined ? event : { ...event, mediaBridgeId: id };
  }

  health(): CatalogHealth {
    return catalogHealth(this.snapshot, this.calls, this.pending.size);
  }

  /** Stops calling HubSpot, lets the waiting events go, and waits for the calls in flight. */
  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    this.abort.abort(new Error('the media catalog is closed'));
    this.settleAll();
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }

  /** True when nothing is to be done for this record now: the object exists, or HubSpot refused it lately. */
  private settledFor(r: MediaObjectRecord | undefined, now: number): boolean {
    return r?.objectId !== undefined || (r?.source === 'failed' && now - r.at < this.o.refreshMs);
  }

  private async findOrCreate(p: Pending): Promise<void> {
    try {
      const listed = await this.listing.fresh(p.mediaType);
      if (!listed || p.settled || this.settledFor(this.snapshot.known.get(p.key), this.o.now())) return;
      await createObject(p, { ...this.o, snapshot: this.snapshot, calls: this.calls, owner: this.owner, signal: this.abort.signal });
    } finally {
      this.settle(p);
    }
  }

  /** Records were learned: the events of those that have an object may go. */
  private learned(records: MediaObjectRecord[]): void {
    for (const r of records) {
      const p = this.pending.get(mediaKey(r.mediaType, r.externalId));
      if (p && r.objectId !== undefined) this.settle(p);
    }
  }

  private settle(p: Pending): void {
    if (p.settled) return;
    p.settled = true;
    if (this.pending.get(p.key) === p) this.pending.delete(p.key);
    this.o.onReady?.();
  }

  private settleAll(): void {
    for (const p of this.pending.values()) this.settle(p);
  }

  /** Runs a background task to its end; an abort at close is not an error. */
  private track(task: Promise<unknown>): void {
    const tracked = task
      .catch((error) => {
        if (!this.abort.signal.aborted) this.o.log.error('media catalog: a task failed', { error: String(error) });
      })
      .finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
  }
}
