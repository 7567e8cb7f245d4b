/**
 * `RedisOutbox`: the outbox contract on Redis, with BullMQ as its queue, for any number of
 * proxy instances that share one queue name. Import it from `media-bridge-tracker/proxy/redis`.
 *
 * - Each event is a BullMQ job whose id is the event's id (see jobIdOf). A request's jobs
 *   are added in one MULTI with recordEvents-4.lua, which remembers the ids for 7 days (to
 *   drop resends cluster-wide), so a request is stored whole or not at all, and once AOF
 *   has it, a Redis restart keeps it.
 * - The backlog policy (../backlog-policy.ts) is BullMQ's priority: every job is prioritized,
 *   at 1 for all (arrival order) until the queue is in backlog, then at its tier + 1 (value
 *   order). rankEvents-3.lua gives new jobs their tier, and setBacklog-3.lua switches every
 *   waiting job when the first instance to see the backlog begin or end says so.
 * - The forwarder claims jobs with BullMQ's manual fetching (`worker.getNextJob`), each
 *   under a lock that this instance renews while it sends. An instance that dies stops
 *   renewing, and BullMQ's stalled-job check puts its jobs back in the queue when the lock
 *   lapses (the lease): only the requests it had in flight can reach HubSpot twice.
 * - The order rule is the one of every store (orderAllows); its facts come from each
 *   session's hash (orderFacts.lua). An event held back because its session's media-played
 *   is in flight stays claimed here, first in line, until that media-played is answered (a
 *   delayed job would come back behind every event that arrived after it); one whose
 *   media-played has not arrived waits out the grace period as a delayed job.
 * - A retry is a delayed job; a dead letter is a failed job, kept 30 days with HubSpot's
 *   error, where BullMQ dashboards (bull-board, Taskforce) show it.
 * - HubSpot's rolling window and the pauses are shared through `sharedGate()` (./gate.ts),
 *   OAuth's tokens through `tokenStore()` (./tokens.ts), and the media catalog through the
 *   PortalStore methods (./portal.ts).
 */
import { Job, Queue, Worker, type JobsOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { MediaType, WireEvent } from '../../../wire.js';
import { createLogger, type Logger } from '../../log.js';
import type { UpstreamError } from '../../contracts/upstream-error.js';
import type { UpstreamGate } from '../../contracts/upstream-gate.js';
import type { OAuthTokenStore } from '../../contracts/oauth-tokens.js';
import {
  DEFAULT_KEEP_DEAD_MS,
  DEFAULT_KEEP_DELIVERED_MS,
  DEFAULT_ORDER_GRACE_MS,
  DELIVERED_WINDOW_MS,
  orderAllows,
  type Outbox,
  type OutboxEvent,
  type OutboxOptions,
  type OutboxStats,
  type StoreConnection,
} from '../outbox.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from '../portal-store.js';
import { DEFAULT_BACKLOG, dropsAsSuperseded, inBacklog, tierOf, TIER_SUPERSEDED, TIER_TOP_QUARTILE, type BacklogPolicy } from '../backlog-policy.js';
import { RedisLink } from './connection.js';
import { RedisGate } from './gate.js';
import { jobIdOf, RedisKeys } from './keys.js';
import { RedisPortalStore } from './portal.js';
import { defineScripts, runScript } from './scripts.js';
import { RedisTokenStore } from './tokens.js';

export const DEFAULT_QUEUE = 'media-bridge';
export const DEFAULT_LEASE_MS = 30_000;

export interface RedisOutboxOptions extends OutboxOptions {
  /** `redis://` or `rediss://` (TLS) URL, with the database after the slash. Default redis://127.0.0.1:6379. */
  url?: string;
  /** The queue's name: every instance with the same one forwards as one proxy. Default `media-bridge`. */
  queue?: string;
  /** BullMQ's key prefix. Default `bull`. */
  prefix?: string;
  /**
   * How long the events an instance claimed stay with it once it stops renewing its lock
   * (it died, or lost Redis), before another instance may send them. Default 30,000.
   */
  leaseMs?: number;
  /** Where Redis going away and coming back is logged. Default JSON lines on the console. */
  logger?: Logger;
  /** ioredis options on top of the URL's (TLS certificates, timeouts…). */
  redis?: RedisOptions;
}

/** What a job holds. */
interface EventJob {
  seq: number;
  acceptedAt: number;
  attempts: number;
  event: WireEvent;
  error?: UpstreamError;
}

/** A request waiting to be stored. */
interface Intake {
  events: readonly WireEvent[];
  at: number;
  resolve: (fresh: boolean[]) => void;
  reject: (error: unknown) => void;
}

interface Claimed {
  job: Job<EventJob>;
  token: string;
}

/** Delivered jobs are kept this long (for dashboards, and so a resend racing its first copy finds it). */
const KEEP_COMPLETED_S = 600;
/** How many ids the recent list keeps (for `recent`). */
const RECENT_MAX = 1_000;
/**
 * At most this many claimed events wait here for their session's media-played; past it, one
 * looks again this much later as a delayed job.
 */
const HELD_MAX = 256;
const PLAYED_WAIT_MS = 500;
/** Fetch rounds per claim when the order rule holds events back. */
const CLAIM_ROUNDS = 4;

export class RedisOutbox implements Outbox, PortalStore {
  readonly queueName: string;
  readonly keys: RedisKeys;
  private readonly link: RedisLink;
  private readonly queue: Queue<EventJob>;
  private readonly worker: Worker<EventJob>;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly graceMs: number;
  private readonly keepDeliveredMs: number;
  private readonly keepDeadMs: number;
  private readonly backlog: BacklogPolicy;
  private readonly jobOptions: JobsOptions;
  private readonly claimed = new Map<number, Claimed>();
  /** Claimed, in claim order, until their session's media-played is answered (see sortClaimed). */
  private readonly held: Claimed[] = [];
  private readonly portal: RedisPortalStore;
  private readonly oauthTokens: RedisTokenStore;
  private readonly lockTimer: ReturnType<typeof setInterval>;
  private extending = false;
  private intake: Intake[] = [];
  private storing = false;
  private tokens = 0;
  private closed = false;

  constructor(options: RedisOutboxOptions = {}) {
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    const prefix = options.prefix ?? 'bull';
    this.keys = new RedisKeys(prefix, this.queueName);
    this.log = options.logger ?? createLogger();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
    this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
    this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
    this.backlog = { ...DEFAULT_BACKLOG, ...options.backlog };
    this.link = new RedisLink(options.url ?? 'redis://127.0.0.1:6379', this.log, options.redis);
    defineScripts(this.link.fast);
    defineScripts(this.link.patient);
    this.portal = new RedisPortalStore(this.link, this.keys);
    this.oauthTokens = new RedisTokenStore(this.link, this.keys);
    this.jobOptions = {
      removeOnComplete: { age: KEEP_COMPLETED_S, count: 10_000 },
      removeOnFail: { age: Math.ceil(this.keepDeadMs / 1000) },
      attempts: 1, // the forwarder retries, by the shared backoff rules
      priority: 1, // in the prioritized set, where the backlog policy can reorder it
    };
    this.queue = new Queue<EventJob>(this.queueName, { connection: this.link.fast, prefix });
    this.worker = new Worker<EventJob>(this.queueName, null, {
      connection: this.link.patient,
      prefix,
      autorun: false,
      lockDuration: this.leaseMs,
      stalledInterval: Math.max(1_000, Math.floor(this.leaseMs / 2)),
      // An event whose instance died is sent again, however often that happens; it is never
      // failed for it (BullMQ's default fails a job that stalled twice).
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      // Only so that BullMQ honours `queue.rateLimit` (the shared pauses): no count limit.
      limiter: { max: Number.MAX_SAFE_INTEGER, duration: 1_000 },
    });
    // The link logs Redis going away and coming back; BullMQ's own errors are details of that.
    const detail = (what: string) => (error: Error) => this.log.debug(`redis store: ${what}`, { error: error.message });
    this.queue.on('error', detail('queue error'));
    this.worker.on('error', detail('worker error'));
    void this.worker.startStalledCheckTimer().catch(detail('stalled-job check'));
    this.lockTimer = setInterval(() => void this.extendLocks(), Math.max(500, Math.floor(this.leaseMs / 3)));
    this.lockTimer.unref?.();
  }

  /**
   * Stores a request's events once Redis has them. Requests that arrive while a store is on
   * its way go together in the next one (a group commit): one id check and one MULTI for
   * all of them, whatever the load.
   */
  add(events: readonly WireEvent[], now: number): Promise<boolean[]> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.intake.push({ events, at: now, resolve, reject });
      if (!this.storing) {
        this.storing = true;
        setImmediate(() => void this.store());
      }
    });
  }

  private async store(): Promise<void> {
    const batch = this.intake.splice(0);
    try {
      const fresh = await this.storeBatch(batch);
      batch.forEach((r, k) => r.resolve(fresh[k]));
    } catch (error) {
      for (const r of batch) r.reject(error);
    } finally {
      if (this.intake.length) void this.store();
      else this.storing = false;
    }
  }

  /** Per request, per event: false when its id was already known (or came earlier in the batch). */
  private async storeBatch(batch: readonly Intake[]): Promise<boolean[][]> {
    await this.link.started();
    const fresh = batch.map((r) => new Array<boolean>(r.events.length).fill(false));
    const firsts: Array<{ r: number; i: number; e: WireEvent }> = [];
    const seenHere = new Set<string>();
    batch.forEach(({ events }, r) =>
      events.forEach((e, i) => {
        if (seenHere.has(e.id)) return;
        seenHere.add(e.id);
        firsts.push({ r, i, e });
      }),
    );
    const [seq, ...known] = await runScript<number[]>(
      this.link.fast,
      'checkIds',
      [this.keys.ids, this.keys.seq],
      firsts.map((f) => f.e.id),
    );
    const news = firsts.filter((_, k) => known[k] === 0);
    if (news.length === 0) return fresh;

    // BullMQ's wrapper of the fast client: its MULTI takes BullMQ's inserts and our script.
    const multi = ((await this.queue.backend.client) as unknown as Redis).multi();
    runScript(
      multi,
      'recordEvents',
      [this.keys.ids, this.keys.pending, this.keys.recent, this.keys.waiting, ...news.map((n) => this.keys.session(n.e.sessionId))],
      [this.keepDeliveredMs, RECENT_MAX, ...news.flatMap((n) => [n.e.id, n.e.type, jobIdOf(n.e.id), batch[n.r].at])],
    );
    const adds = news.map((n, k) => {
      const data: EventJob = { seq: seq + k, acceptedAt: batch[n.r].at, attempts: 0, event: n.e };
      const jobId = jobIdOf(n.e.id);
      const job = new Job<EventJob>(this.queue, n.e.type, data, { ...this.jobOptions, jobId }, jobId);
      // BullMQ's own insert, queued on this MULTI (the way its FlowProducer batches them).
      return this.queue.backend.addJobToTransaction(multi as never, job.asJSON(), jobId);
    });
    runScript(
      multi,
      'rankEvents',
      [this.keys.tiers, this.keys.backlog, this.queue.keys.prioritized, ...news.map((n) => this.keys.session(n.e.sessionId))],
      [
        this.keys.jobPrefix,
        TIER_TOP_QUARTILE,
        TIER_SUPERSEDED,
        this.keepDeliveredMs,
        ...news.flatMap((n) => [jobIdOf(n.e.id), tierOf(n.e.type), n.e.type === 'media-played-percent' ? n.e.playedPercent : '']),
      ],
    );
    const results = await multi.exec();
    await Promise.allSettled(adds);
    if (!results) throw new Error('the Redis transaction was discarded');
    for (const [error] of results) if (error) throw error;
    for (const n of news) fresh[n.r][n.i] = true;
    return fresh;
  }

  async claim(limit: number, now: number): Promise<OutboxEvent[]> {
    this.assertOpen();
    await this.link.started();
    const backlog = await this.followBacklog(now);
    const out: OutboxEvent[] = [];
    try {
      if (this.held.length) await this.takeHeld(limit, now, backlog, out);
      await this.claimRounds(limit, now, backlog, out);
    } catch (error) {
      // What earlier rounds claimed is this instance's (it renews their locks): it goes out,
      // or nothing would ever send it. The jobs of the round that failed come back after
      // their lease, and the next claim meets the error itself.
      if (out.length === 0) throw error;
      this.log.debug('redis store: a claim failed part way; sending what it took', { error: String(error) });
    }
    return out;
  }

  /** Claims into `out`, in rounds, until it holds `limit` events or the queue has none ready. */
  private async claimRounds(limit: number, now: number, backlog: boolean, out: OutboxEvent[]): Promise<void> {
    for (let round = 0; round < CLAIM_ROUNDS && out.length < limit; round++) {
      const wanted = limit - out.length;
      const fetched = await Promise.all(
        Array.from({ length: wanted }, async () => {
          const token = `${this.worker.id}:${++this.tokens}`;
          const job = (await this.worker.getNextJob(token, { block: false })) as Job<EventJob> | undefined;
          return job ? { job, token } : undefined;
        }),
      );
      const jobs = fetched.filter((c): c is Claimed => c !== undefined);
      if (jobs.length === 0) break;
      const dropped = await this.sortClaimed(jobs, now, backlog, out, limit);
      if (jobs.length < wanted) break; // the queue has nothing more ready
      if (dropped) round--; // drops do not use up the rounds
    }
  }

  /**
   * The events held for their session's media-played come first: those still locked by this
   * instance are sorted again. One whose lock lapsed (Redis was away for a lease) is another
   * instance's now, and is let go.
   */
  private async takeHeld(limit: number, now: number, backlog: boolean, out: OutboxEvent[]): Promise<void> {
    const held = this.held.splice(0);
    try {
      const lapsed = new Set(await this.worker.extendJobLocks(held.map((c) => c.job.id!), held.map((c) => c.token), this.leaseMs));
      const kept = held.filter((c) => !lapsed.has(c.job.id!));
      if (lapsed.size) this.log.debug('redis store: held events lost their lock; another instance sends them', { count: lapsed.size });
      if (kept.length) await this.sortClaimed(kept, now, backlog, out, limit);
    } catch (error) {
      // Redis failed before any of them was sorted: they stay held, first in line.
      this.held.unshift(...held);
      throw error;
    }
  }

  /**
   * Applies the order rule and the backlog policy to claimed jobs, in order. Each goes out
   * (while `out` has room), is dropped as superseded, is held here while its session's
   * media-played is in flight, or waits as a delayed job. Returns how many were dropped.
   */
  private async sortClaimed(jobs: Claimed[], now: number, backlog: boolean, out: OutboxEvent[], limit: number): Promise<number> {
    const facts = await runScript<number[]>(
      this.link.patient,
      'orderFacts',
      [this.keys.tiers, ...jobs.map((c) => this.keys.session(c.job.data.event.sessionId))],
      [this.keys.jobPrefix, ...jobs.map((c) => c.job.id!)],
    );
    const later: Promise<void>[] = [];
    let dropped = 0;
    jobs.forEach((c, k) => {
      const { event, acceptedAt } = c.job.data;
      const session = { playedPending: facts[3 * k] === 1, playedSeen: facts[3 * k + 1] === 1 };
      if (dropsAsSuperseded(this.backlog, facts[3 * k + 2], backlog)) {
        dropped++;
        later.push(this.supersede(c).catch((error) => this.log.debug('redis store: dropping a superseded event failed', { error: String(error) })));
      } else if (orderAllows(event.type, acceptedAt, session, now, this.graceMs)) {
        if (out.length < limit) {
          this.claimed.set(c.job.data.seq, c);
          out.push(toOutboxEvent(c.job));
        } else this.held.push(c); // free to go, at the next claim
      } else if (session.playedPending && this.held.length < HELD_MAX) {
        this.held.push(c);
      } else {
        // Delays run on the real clock (BullMQ's), whatever `now` the caller passed.
        const at = session.playedPending ? Date.now() + PLAYED_WAIT_MS : acceptedAt + this.graceMs;
        // Should that fail, the job's lock lapses and it comes back: never lost, never stuck.
        later.push(c.job.moveToDelayed(at, c.token).catch((error) => this.log.debug('redis store: delaying an event failed', { error: String(error) })));
      }
    });
    await Promise.all(later);
    return dropped;
  }

  /**
   * Puts the queue into backlog, or out of it, when its oldest event says so: the first
   * instance to see the change makes it for all (setBacklog-3.lua, a no-op for the rest).
   */
  private async followBacklog(now: number): Promise<boolean> {
    if (this.backlog.mode === 'fifo') return false;
    const oldest = await this.link.patient.zrange(this.keys.pending, 0, 0, 'WITHSCORES');
    const backlog = inBacklog(this.backlog, oldest.length ? Number(oldest[1]) : undefined, now);
    await runScript(this.link.patient, 'setBacklog', [this.keys.backlog, this.keys.tiers, this.queue.keys.prioritized], [this.keys.jobPrefix, backlog ? 1 : 0]);
    return backlog;
  }

  /** Drops a claimed quartile that a higher one of its session replaced (HUBSPOT_BACKLOG=coalesce). */
  private async supersede(c: Claimed): Promise<void> {
    await this.release(c, 'superseded', Date.now());
    await c.job.moveToCompleted('superseded', c.token, false);
  }

  async sent(seq: number, now = Date.now()): Promise<void> {
    const c = this.settle(seq);
    if (!c) return;
    await this.release(c, 'delivered', now);
    await c.job.moveToCompleted('delivered', c.token, false);
  }

  async retry(seq: number, at: number, error: UpstreamError): Promise<void> {
    const c = this.settle(seq);
    if (!c) return;
    await c.job.updateData({ ...c.job.data, attempts: c.job.data.attempts + 1, error });
    await c.job.moveToDelayed(at, c.token);
  }

  async dead(seq: number, now: number, error: UpstreamError): Promise<void> {
    const c = this.settle(seq);
    if (!c) return;
    await this.release(c, 'dead', now);
    await c.job.updateData({ ...c.job.data, attempts: c.job.data.attempts + 1, error });
    await c.job.moveToFailed(new Error(describe(error)), c.token, false);
  }

  async stats(now: number = Date.now()): Promise<OutboxStats> {
    this.assertOpen();
    await this.link.started();
    const since = now - DELIVERED_WINDOW_MS;
    const results = await this.link.fast
      .multi()
      .zcard(this.keys.pending)
      .zrange(this.keys.pending, 0, 0, 'WITHSCORES')
      .zcard(this.queue.keys.failed)
      .hgetall(this.keys.waiting)
      .zcount(this.keys.delivered, `(${since}`, '+inf')
      .zrangebyscore(this.keys.delivered, `(${since}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      .get(this.keys.superseded)
      .exec();
    if (!results) throw new Error('the Redis transaction was discarded');
    for (const [error] of results) if (error) throw error;
    const [[, pending], [, oldest], [, dead], [, waiting], [, delivered], [, first], [, superseded]] = results as [
      [null, number],
      [null, string[]],
      [null, number],
      [null, Record<string, string>],
      [null, number],
      [null, string[]],
      [null, string | null],
    ];
    return {
      pending,
      oldestPendingAt: oldest.length ? Number(oldest[1]) : undefined,
      dead,
      waiting: Object.fromEntries(Object.entries(waiting).map(([type, n]) => [type, Number(n)]).filter(([, n]) => (n as number) > 0)),
      delivered: { count: delivered, since: first.length ? Number(first[1]) : now },
      superseded: Number(superseded ?? 0),
    };
  }

  async recent(limit: number): Promise<OutboxEvent[]> {
    this.assertOpen();
    const ids = await this.link.fast.lrange(this.keys.recent, 0, limit - 1);
    const jobs = await Promise.all(ids.map((id) => Job.fromId<EventJob>(this.queue, jobIdOf(id))));
    return jobs.filter((j): j is Job<EventJob> => j !== undefined).map(toOutboxEvent);
  }

  async deadLetters(limit: number): Promise<OutboxEvent[]> {
    this.assertOpen();
    return ((await this.queue.getFailed(0, limit - 1)) as Job<EventJob>[]).filter(Boolean).map(toOutboxEvent);
  }

  /** Nothing to do: the shared gate (`sharedGate`) keeps the send times, in Redis. */
  noteSend(): void {}

  sendsSince(): number[] {
    return [];
  }

  async prune(now: number): Promise<void> {
    this.assertOpen();
    await this.link.fast.zremrangebyscore(this.keys.ids, '-inf', now - this.keepDeliveredMs);
    await this.queue.clean(this.keepDeadMs, 1_000, 'failed');
  }

  /** `windowMs` is HubSpot's 10 s unless a test shortens it. */
  sharedGate(options: { limit: number; timeoutMs: number; windowMs?: number }): UpstreamGate {
    return new RedisGate(this.link, this.keys, this.queue, options);
  }

  backlogPolicy(): BacklogPolicy {
    return { ...this.backlog };
  }

  tokenStore(): OAuthTokenStore {
    return this.oauthTokens;
  }

  // The portal store (../portal-store.ts): the media catalog, one for every instance.
  async mediaCatalog(): Promise<MediaCatalogSnapshot> {
    this.assertOpen();
    return this.portal.mediaCatalog();
  }

  async mediaObject(mediaType: MediaType, externalId: string): Promise<MediaObjectRecord | undefined> {
    this.assertOpen();
    return this.portal.mediaObject(mediaType, externalId);
  }

  async putMediaObjects(records: readonly MediaObjectRecord[]): Promise<void> {
    this.assertOpen();
    return this.portal.putMediaObjects(records);
  }

  async removeMediaObjects(keys: readonly MediaObjectKey[]): Promise<void> {
    this.assertOpen();
    return this.portal.removeMediaObjects(keys);
  }

  async setMediaListedAt(mediaType: MediaType, at: number): Promise<void> {
    this.assertOpen();
    return this.portal.setMediaListedAt(mediaType, at);
  }

  async claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): Promise<boolean> {
    this.assertOpen();
    return this.portal.claimMediaObject(mediaType, externalId, owner, now, until);
  }

  connection(): StoreConnection {
    const downSince = this.link.downSinceAt;
    return { kind: 'redis', queue: this.queueName, state: this.link.state, ...(downSince ? { downSince: new Date(downSince).toISOString() } : {}) };
  }

  /** Where Redis is, without its password. */
  get where(): string {
    return this.link.where;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.lockTimer);
    // Requests already taken in are stored (or refused) before the connections go.
    for (const deadline = Date.now() + 5_000; this.storing && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled([this.worker.close(true), this.queue.close()]);
    await this.link.close();
  }

  /** Takes a claimed event off this instance's books. */
  private settle(seq: number): Claimed | undefined {
    const c = this.claimed.get(seq);
    this.claimed.delete(seq);
    return c;
  }

  /** Before the job moves on: it leaves the pending set, and a media-played frees its session. */
  private async release(c: Claimed, outcome: 'delivered' | 'dead' | 'superseded', now: number): Promise<void> {
    const { event } = c.job.data;
    await runScript(
      this.link.patient,
      'settleEvent',
      [this.keys.pending, this.keys.session(event.sessionId), this.keys.tiers, this.keys.waiting, this.keys.delivered, this.keys.superseded],
      [event.id, event.type === 'media-played' ? c.job.id! : '', c.job.id!, event.type, outcome, now, DELIVERED_WINDOW_MS],
    );
  }

  /** Renews the locks of the events this instance is sending, so none is taken for stalled. */
  private async extendLocks(): Promise<void> {
    if (this.extending || this.claimed.size + this.held.length === 0) return;
    this.extending = true;
    try {
      const claimed = [...this.claimed.values(), ...this.held];
      await this.worker.extendJobLocks(
        claimed.map((c) => c.job.id!),
        claimed.map((c) => c.token),
        this.leaseMs,
      );
    } catch (error) {
      this.log.debug('redis store: renewing locks failed', { error: String(error) });
    } finally {
      this.extending = false;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the outbox is closed');
  }
}

function toOutboxEvent(job: Job<EventJob>): OutboxEvent {
  const { seq, acceptedAt, attempts, event, error } = job.data;
  const status = job.finishedOn ? (job.failedReason ? 'dead' : job.returnvalue === 'superseded' ? 'superseded' : 'sent') : 'pending';
  const out: OutboxEvent = { seq, id: event.id, type: event.type, sessionId: event.sessionId, event, acceptedAt, attempts, status };
  if (job.finishedOn) out.doneAt = job.finishedOn;
  if (error) out.error = error;
  return out;
}

/** A dead letter's reason, as dashboards show it. */
function describe(error: UpstreamError): string {
  const what = error.status !== undefined ? `HubSpot answered ${error.status}` : `no answer from HubSpot (${error.failure ?? 'unknown'})`;
  const detail = [error.category, error.message].filter(Boolean).join(': ');
  return [what, detail, error.correlationId && `correlationId ${error.correlationId}`].filter(Boolean).join('; ');
}
