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
import type { MediaObjectRecord, PortalStore } from '../store/portal-store.js';
import { decide, scrubError, type RetryPolicy, type UpstreamError, type UpstreamResult } from './backoff.js';
import type { FetchLike } from './hubspot-client.js';
import { mediaBridgeIdOf, mediaKey, missingScopes, newMediaObject, readListingPage, readObject, LIST_PAGE_LIMIT, type ObjectCall, type ObjectFailure } from './media-objects.js';
import type { TokenSource } from './oauth.js';
import { createMediaObject, listMediaObjects, type ObjectsRequest } from './objects-client.js';
import { sleep, type SharedLimit } from './shared-limit.js';

/** How long a media's events wait for its object, from the first of them. */
export const DEFAULT_OBJECT_WAIT_MS = 5_000;
/** How old a media type's listing may be before it is read again. */
export const DEFAULT_CATALOG_REFRESH_MS = 24 * 3600_000;
/** The types the tracker reports, listed at start-up. */
const EAGER_TYPES: MediaType[] = ['VIDEO', 'AUDIO'];
/** A creation claim lasts this long, renewed at each attempt. */
const CLAIM_MS = 60_000;
/** How often to look whether another proxy's creation has landed. */
const CLAIM_POLL_MS = 1_000;
/** Object calls at once: few, so events keep most of the limit. */
const MAX_OBJECT_CALLS = 2;
/** A stale listing looks in the store again first, unless it was read this recently. */
const STORE_LOOK_MS = 60_000;
/** Failures kept for /healthz. */
const SHOWN_FAILURES = 10;

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
  lastError?: Omit<ObjectFailure, 'at'> & { at: string };
  /** The latest objects HubSpot refused to create, with its error. */
  failures: Array<{ mediaType: MediaType; externalId: string; failedAt: string } & UpstreamError>;
}

interface Pending {
  key: string;
  mediaType: MediaType;
  externalId: string;
  /** What the object is made from: the first event, its blanks filled by later ones. */
  event: WireEvent;
  pageUrl?: string;
  deadline: number;
  settled: boolean;
}

interface Listing {
  listedAt?: number;
  running?: Promise<boolean>;
  /** A listing HubSpot refused (a 400): not tried again before `refreshMs`. */
  refusedAt?: number;
}

type CallOutcome = { kind: 'ok'; result: UpstreamResult } | { kind: 'refused'; error: UpstreamError } | { kind: 'stopped' };

export class MediaCatalog {
  private readonly o: Required<Omit<MediaCatalogOptions, 'onCall' | 'onReady'>> & Pick<MediaCatalogOptions, 'onCall' | 'onReady'>;
  private readonly known = new Map<string, MediaObjectRecord>();
  private readonly listings = new Map<MediaType, Listing>();
  private readonly pending = new Map<string, Pending>();
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();
  /** Names this process in creation claims. */
  private readonly owner = `p-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  private loaded: Promise<void> | undefined;
  /** When the store's catalog was last read. */
  private readAt = -Infinity;
  private stopped: { call: ObjectCall; scopes: string[] } | undefined;
  private lastError: ObjectFailure | undefined;
  private rateLimitStreak = 0;
  private calls = 0;
  private readonly callQueue: Array<() => void> = [];
  private refreshTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MediaCatalogOptions) {
    this.o = {
      now: Date.now,
      random: Math.random,
      ...options,
      waitMs: options.waitMs ?? DEFAULT_OBJECT_WAIT_MS,
      refreshMs: options.refreshMs ?? DEFAULT_CATALOG_REFRESH_MS,
    };
  }

  /** Reads the kept catalog, lists what is stale, and looks again hourly. */
  start(): void {
    for (const type of EAGER_TYPES) this.track(this.fresh(type));
    this.refreshTimer = setInterval(() => {
      for (const [type, l] of this.listings) if (l.listedAt !== undefined) this.track(this.fresh(type));
    }, Math.min(this.o.refreshMs, 3600_000));
    (this.refreshTimer as { unref?: () => void }).unref?.();
  }

  /** An event was accepted: start finding or creating its media's object now. */
  notice(event: WireEvent): void {
    if (this.stopped || this.abort.signal.aborted || event.mediaBridgeId !== undefined || !event.externalId) return;
    const key = mediaKey(event.mediaType, event.externalId);
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.pageUrl ??= event.pageUrl;
      if (waiting.event.mediaName === undefined && event.mediaName !== undefined) waiting.event = { ...waiting.event, mediaName: event.mediaName };
      if (waiting.event.mediaUrl === undefined && event.mediaUrl !== undefined) waiting.event = { ...waiting.event, mediaUrl: event.mediaUrl };
      return;
    }
    const now = this.o.now();
    if (this.settledFor(this.known.get(key), now)) return;
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
    if (this.idOf(key) !== undefined) return 0;
    this.notice(event); // an event stored before a restart
    const p = this.pending.get(key);
    return p && p.deadline > now ? p.deadline : 0;
  }

  /** The event as it goes to HubSpot: with its media's `mediaBridgeId` when the catalog has it. */
  withMediaBridgeId(event: WireEvent): WireEvent {
    if (event.mediaBridgeId !== undefined || !event.externalId) return event;
    const id = this.idOf(mediaKey(event.mediaType, event.externalId));
    return id === undefined ? event : { ...event, mediaBridgeId: id };
  }

  health(): CatalogHealth {
    let known = 0;
    let created = 0;
    const failed: MediaObjectRecord[] = [];
    for (const r of this.known.values()) {
      if (r.objectId !== undefined) known++;
      if (r.source === 'created') created++;
      if (r.source === 'failed') failed.push(r);
    }
    const listed: CatalogHealth['listed'] = {};
    let listing = false;
    for (const [type, l] of this.listings) {
      if (l.listedAt !== undefined) listed[type] = new Date(l.listedAt).toISOString();
      if (l.running) listing = true;
    }
    failed.sort((a, b) => b.at - a.at);
    const out: CatalogHealth = {
      mode: 'create',
      state: this.stopped ? 'stopped' : listing ? 'listing' : 'ok',
      known,
      created,
      failed: failed.length,
      pending: this.pending.size,
      listed,
      failures: failed.slice(0, SHOWN_FAILURES).map((r) => ({ mediaType: r.mediaType, externalId: r.externalId, failedAt: new Date(r.at).toISOString(), ...r.error })),
    };
    if (this.stopped) out.missingScopes = this.stopped.scopes;
    if (this.lastError) out.lastError = { ...this.lastError, at: new Date(this.lastError.at).toISOString() };
    return out;
  }

  /** Stops calling HubSpot, lets the waiting events go, and waits for the calls in flight. */
  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    this.abort.abort(new Error('the media catalog is closed'));
    for (const p of this.pending.values()) this.settle(p);
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }

  /** True when nothing is to be done for this record now: the object exists, or HubSpot refused it lately. */
  private settledFor(r: MediaObjectRecord | undefined, now: number): boolean {
    return r?.objectId !== undefined || (r?.source === 'failed' && now - r.at < this.o.refreshMs);
  }

  private idOf(key: string): number | undefined {
    const objectId = this.known.get(key)?.objectId;
    return objectId === undefined ? undefined : mediaBridgeIdOf(objectId);
  }

  private async findOrCreate(p: Pending): Promise<void> {
    try {
      const listed = await this.fresh(p.mediaType);
      if (!listed || p.settled || this.settledFor(this.known.get(p.key), this.o.now())) return;
      await this.create(p);
    } finally {
      this.settle(p);
    }
  }

  private settle(p: Pending): void {
    if (p.settled) return;
    p.settled = true;
    if (this.pending.get(p.key) === p) this.pending.delete(p.key);
    this.o.onReady?.();
  }

  private load(): Promise<void> {
    this.loaded ??= this.readStore();
    return this.loaded;
  }

  /** Takes in what the store holds: this proxy's catalog of a previous run, or what proxies sharing the store learned. */
  private async readStore(): Promise<void> {
    this.readAt = this.o.now();
    try {
      const snapshot = await this.o.store.mediaCatalog();
      for (const r of snapshot.objects) {
        const key = mediaKey(r.mediaType, r.externalId);
        const mine = this.known.get(key);
        if (!mine || mine.at <= r.at) this.known.set(key, r);
      }
      for (const [type, at] of Object.entries(snapshot.listedAt)) {
        const l = this.listing(type as MediaType);
        if (l.listedAt === undefined || l.listedAt < at) l.listedAt = at;
      }
    } catch (error) {
      this.o.log.error('media catalog: reading the kept catalog failed; listing again', { error: String(error) });
    }
  }

  private listing(type: MediaType): Listing {
    let l = this.listings.get(type);
    if (!l) this.listings.set(type, (l = {}));
    return l;
  }

  /** Resolves true once `type` has a listing younger than `refreshMs`, reading it if needed. */
  private async fresh(type: MediaType): Promise<boolean> {
    await this.load();
    const l = this.listing(type);
    if (this.listedLately(l)) return true;
    if (l.refusedAt !== undefined && this.o.now() - l.refusedAt < this.o.refreshMs) return false;
    l.running ??= this.relist(type, l).finally(() => (l.running = undefined));
    return l.running;
  }

  private listedLately(l: Listing): boolean {
    return l.listedAt !== undefined && this.o.now() - l.listedAt < this.o.refreshMs;
  }

  /** Lists `type` again, unless the store shows a proxy sharing it did lately. */
  private async relist(type: MediaType, l: Listing): Promise<boolean> {
    if (this.o.now() - this.readAt >= STORE_LOOK_MS) {
      await this.readStore();
      if (this.listedLately(l)) return true;
    }
    return this.list(type);
  }

  /** Reads every page of `type`'s listing into the catalog. */
  private async list(type: MediaType): Promise<boolean> {
    const startedAt = this.o.now();
    const seen = new Set<string>();
    let after: string | undefined;
    let limit = LIST_PAGE_LIMIT;
    for (let page = 1; ; page++) {
      const outcome = await this.call('list', type, (req) => listMediaObjects(req, type, after, limit));
      if (outcome.kind === 'stopped') return false;
      const read = outcome.kind === 'ok' ? readListingPage(outcome.result.body) : undefined;
      if (!read) {
        // Refused, or not a listing. HubSpot documents no maximum page size: try its default once.
        if (outcome.kind === 'refused' && limit !== 20) {
          limit = 20;
          page--;
          continue;
        }
        const error = outcome.kind === 'refused' ? outcome.error : { status: (outcome as { result: UpstreamResult }).result.status, message: 'the listing answer is not a page of objects' };
        this.fail({ call: 'list', mediaType: type, at: this.o.now(), ...error });
        this.o.log.warn('media catalog: HubSpot refused the listing; no object of this type will be created', { mediaType: type, ...error });
        this.listing(type).refusedAt = this.o.now();
        return false;
      }
      const records: MediaObjectRecord[] = [];
      for (const o of read.objects) {
        if (o.externalId === undefined || o.mediaType !== type) continue;
        const key = mediaKey(type, o.externalId);
        if (seen.has(key)) continue; // two objects with one external id: the first listed wins
        seen.add(key);
        records.push({ mediaType: type, externalId: o.externalId, objectId: o.id, source: this.known.get(key)?.objectId === o.id ? this.known.get(key)!.source : 'listed', at: this.o.now() });
      }
      await this.learn(records);
      this.o.log.debug('media catalog: read a listing page', { mediaType: type, page, objects: read.objects.length });
      if (read.after === undefined) break;
      after = read.after;
    }
    // Objects gone from HubSpot since they were learned are forgotten (not ones learned during this listing).
    const gone = [...this.known.values()].filter((r) => r.mediaType === type && r.objectId !== undefined && r.at < startedAt && !seen.has(mediaKey(r.mediaType, r.externalId)));
    for (const r of gone) this.known.delete(mediaKey(r.mediaType, r.externalId));
    const listedAt = this.o.now();
    this.listing(type).listedAt = listedAt;
    await this.keep(async () => {
      if (gone.length) await this.o.store.removeMediaObjects(gone);
      await this.o.store.setMediaListedAt(type, listedAt);
    });
    this.o.log.info('media catalog: listed', { mediaType: type, objects: seen.size, forgotten: gone.length });
    return true;
  }

  /** Creates `p`'s object, unless another proxy holds the claim (then waits for its result). */
  private async create(p: Pending): Promise<void> {
    const claim = async (): Promise<boolean> => {
      for (;;) {
        const now = this.o.now();
        if (await this.o.store.claimMediaObject(p.mediaType, p.externalId, this.owner, now, now + CLAIM_MS)) return true;
        const r = await this.o.store.mediaObject(p.mediaType, p.externalId);
        if (r?.objectId !== undefined) {
          await this.learn([r]);
          return false;
        }
        await sleep(CLAIM_POLL_MS, this.abort.signal);
      }
    };
    const outcome = await this.call('create', p.mediaType, (req) => createMediaObject(req, newMediaObject(p.event, p.pageUrl)), claim);
    if (outcome.kind === 'stopped') return;
    const made = outcome.kind === 'ok' ? readObject(outcome.result.body) : undefined;
    if (made) {
      await this.learn([{ mediaType: p.mediaType, externalId: p.externalId, objectId: made.id, source: 'created', at: this.o.now() }]);
      this.o.log.info('media catalog: created a media object', { mediaType: p.mediaType, externalId: p.externalId, objectId: made.id });
      return;
    }
    const error = outcome.kind === 'refused' ? outcome.error : { status: (outcome as { result: UpstreamResult }).result.status, message: 'the answer carries no object id' };
    const at = this.o.now();
    this.fail({ call: 'create', mediaType: p.mediaType, externalId: p.externalId, at, ...error });
    this.o.log.warn('media catalog: HubSpot refused to create a media object; its events go on without mediaBridgeId', { mediaType: p.mediaType, externalId: p.externalId, ...error });
    await this.learn([{ mediaType: p.mediaType, externalId: p.externalId, source: 'failed', at, error }]);
  }

  /**
   * One call, retried until it is answered for good: 5xx, timeouts and network errors after
   * a backoff, a 429 after the pause it sets for every request, a 401 with a fresh token.
   */
  private async call(call: ObjectCall, mediaType: MediaType, send: (req: ObjectsRequest) => Promise<UpstreamResult>, beforeEach?: () => Promise<boolean>): Promise<CallOutcome> {
    const { policy, tokens, limit } = this.o;
    const signal = this.abort.signal;
    for (let attempts = 0; ; attempts++) {
      if (this.stopped || signal.aborted) return { kind: 'stopped' };
      if (beforeEach && !(await beforeEach())) return { kind: 'stopped' };
      await this.callSlot();
      let result: UpstreamResult;
      let token: string;
      try {
        try {
          token = await tokens.get();
        } catch (error) {
          this.o.log.error('media catalog: no HubSpot access token', { error: String((error as Error).message ?? error) });
          await sleep(policy.authPauseMs, signal);
          continue;
        }
        const slot = await limit.acquire(signal);
        try {
          result = await send({ fetch: this.o.fetch, apiBase: this.o.apiBase, token, timeoutMs: this.o.timeoutMs, now: this.o.now });
        } finally {
          await limit.release(slot);
        }
      } finally {
        this.releaseSlot();
      }
      this.o.onCall?.(call, String(result.status ?? result.failure));
      const now = this.o.now();
      const decision = decide(result, { now, attempts, rateLimitStreak: this.rateLimitStreak, policy, random: this.o.random });
      if (decision.kind === 'delivered') {
        this.rateLimitStreak = 0;
        return { kind: 'ok', result };
      }
      const error = scrubError(decision.error, tokens.secrets());
      switch (decision.kind) {
        case 'dead':
          return { kind: 'refused', error };
        case 'pause':
          // The limit is the app's, so events pause too; `acquire` waits the pause out.
          if (decision.reason === 'rate_limited') this.rateLimitStreak++;
          await limit.pause(decision.reason, decision.until);
          break;
        case 'retry':
          this.fail({ call, mediaType, at: now, ...error });
          await sleep(decision.at - now, signal);
          break;
        case 'unauthorized':
          if (result.status === 403) {
            this.stop(call, mediaType, result, error);
            return { kind: 'stopped' };
          }
          if (!tokens.rejected(token)) await sleep(policy.authPauseMs, signal);
          break;
      }
    }
  }

  /** A 403: the app lacks a scope. Logged once; object calls end until restart, events go on. */
  private stop(call: ObjectCall, mediaType: MediaType, result: UpstreamResult, error: UpstreamError): void {
    if (this.stopped) return;
    const scopes = missingScopes(call, result);
    this.stopped = { call, scopes };
    this.fail({ call, mediaType, at: this.o.now(), ...error });
    this.o.log.error(
      `media catalog: HubSpot refused to ${call === 'list' ? 'list' : 'create'} media objects (403): the app lacks the ${scopes.join(' and ')} scope${scopes.length > 1 ? 's' : ''}. ` +
        'Media objects are off until restart; events are forwarded without mediaBridgeId. Add the scope to the app and install it again (media-bridge-proxy authorize --media-objects).',
      { status: result.status, missingScopes: scopes, ...error },
    );
    for (const p of this.pending.values()) this.settle(p);
  }

  private fail(failure: ObjectFailure): void {
    this.lastError = failure;
  }

  /** Adds records to the catalog and the store, and lets their waiting events go. */
  private async learn(records: MediaObjectRecord[]): Promise<void> {
    if (!records.length) return;
    for (const r of records) this.known.set(mediaKey(r.mediaType, r.externalId), r);
    await this.keep(() => this.o.store.putMediaObjects(records));
    for (const r of records) {
      const p = this.pending.get(mediaKey(r.mediaType, r.externalId));
      if (p && r.objectId !== undefined) this.settle(p);
    }
  }

  /** A store write: a failure is logged, and the catalog in memory goes on. */
  private async keep(write: () => unknown): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.o.log.error('media catalog: writing to the store failed', { error: String(error) });
    }
  }

  private callSlot(): Promise<void> {
    if (this.calls < MAX_OBJECT_CALLS) {
      this.calls++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.callQueue.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.callQueue.shift();
    if (next) next();
    else this.calls--;
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
