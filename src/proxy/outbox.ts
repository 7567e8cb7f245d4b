/**
 * The outbox: where accepted events wait for HubSpot.
 *
 * `Outbox` is the storage contract the proxy needs; `MemoryOutbox` implements it in memory
 * (tests, the demo, and runtimes where you accept losing the queue on restart), and
 * `SqliteOutbox` (`media-bridge-tracker/proxy/sqlite`) durably. Any other store (a database,
 * a shared queue for several proxy instances) can implement it; its methods may return
 * promises.
 */
import type { EventType, WireEvent } from '../wire.js';
import type { UpstreamError } from './backoff.js';

export type MaybePromise<T> = T | Promise<T>;

/** Where an event stands: waiting, delivered, or given up on (a dead letter). */
export type OutboxStatus = 'pending' | 'sent' | 'dead';

/** An event as the outbox holds it. */
export interface OutboxEvent {
  /** Arrival order, increasing. */
  seq: number;
  /** The wire id, unique per event. */
  id: string;
  type: EventType;
  sessionId: string;
  /** The event as received (its `type` and `id` are stripped before it goes to HubSpot). */
  event: WireEvent;
  /** When the proxy accepted it (ms since the epoch). */
  acceptedAt: number;
  /** Upstream attempts made so far. */
  attempts: number;
  status: OutboxStatus;
  /** When it was delivered or dead-lettered. */
  doneAt?: number;
  /** The last upstream error: why it is being retried, or why it is a dead letter. */
  error?: UpstreamError;
}

export interface OutboxStats {
  /** Events waiting to be delivered. */
  pending: number;
  /** When the oldest waiting event was accepted. */
  oldestPendingAt?: number;
  /** Dead letters kept. */
  dead: number;
}

/**
 * The storage contract.
 *
 * Order: `claim` hands out events oldest first, except that an event of a session whose
 * `media-played` is still pending waits for it, and an event of a session with no
 * `media-played` seen yet waits `orderGraceMs` after it was accepted (in case the played
 * event is a beacon behind it).
 */
export interface Outbox {
  /**
   * Stores one request's events, all or none, and resolves once they are durable.
   * Returns, per event, false when its id was already known (a duplicate, not stored again).
   * `raw` is the request body the events were parsed from, which a store may keep as is.
   */
  add(events: readonly WireEvent[], now: number, raw?: string): MaybePromise<boolean[]>;
  /** Hands out up to `limit` events ready at `now`, never one already handed out and not yet settled. */
  claim(limit: number, now: number): MaybePromise<OutboxEvent[]>;
  /** Settles a claimed event: delivered. */
  sent(seq: number, now: number): MaybePromise<void>;
  /** Settles a claimed event: try again from `at`. Counts an attempt. */
  retry(seq: number, at: number, error: UpstreamError): MaybePromise<void>;
  /** Settles a claimed event: a dead letter, kept with HubSpot's error. */
  dead(seq: number, now: number, error: UpstreamError): MaybePromise<void>;
  stats(now: number): MaybePromise<OutboxStats>;
  /** The latest events, newest first, whatever their status. */
  recent(limit: number): MaybePromise<OutboxEvent[]>;
  /** The latest dead letters, newest first. */
  deadLetters(limit: number): MaybePromise<OutboxEvent[]>;
  /** Remembers that a request went upstream at `at`, durably, before it is sent (see RateBucket). */
  noteSend(at: number): MaybePromise<void>;
  /** Upstream send times after `since`. */
  sendsSince(since: number): MaybePromise<number[]>;
  /** Forgets delivered events and old dead letters past their retention. */
  prune(now: number): MaybePromise<void>;
  close(): MaybePromise<void>;
}

/** Retention and ordering knobs shared by the outboxes. */
export interface OutboxOptions {
  /** How long a delivered event's id is remembered to drop duplicates. Default 7 days. */
  keepDeliveredMs?: number;
  /** How long dead letters are kept. Default 30 days. */
  keepDeadMs?: number;
  /** How long an event waits for its session's `media-played` to arrive. Default 5,000. */
  orderGraceMs?: number;
}

export const DEFAULT_KEEP_DELIVERED_MS = 7 * 24 * 3600_000;
export const DEFAULT_KEEP_DEAD_MS = 30 * 24 * 3600_000;
export const DEFAULT_ORDER_GRACE_MS = 5_000;

/** What the order rule needs to know about an event's session. */
export interface SessionOrder {
  /** A `media-played` of the session is pending (waiting or in flight). */
  playedPending: boolean;
  /** A `media-played` of the session has been seen at all. */
  playedSeen: boolean;
}

/** The order rule: may this event go now? */
export function orderAllows(type: EventType, acceptedAt: number, session: SessionOrder, now: number, graceMs: number): boolean {
  if (type === 'media-played') return true;
  if (session.playedPending) return false;
  return session.playedSeen || now - acceptedAt >= graceMs;
}

interface Entry extends OutboxEvent {
  notBefore: number;
}

/** An outbox in memory: fast and exact, and gone when the process ends. */
export class MemoryOutbox implements Outbox {
  private seq = 0;
  /** Every event still remembered, by id, in arrival order. */
  private readonly byId = new Map<string, Entry>();
  /** Pending events by seq, in arrival order. */
  private readonly pending = new Map<number, Entry>();
  private readonly claimed = new Set<number>();
  /** Per session: pending media-played count, and whether one was ever seen. */
  private readonly sessions = new Map<string, { pendingPlayed: number; seen: boolean; lastAt: number }>();
  private sends: number[] = [];
  private readonly keepDeliveredMs: number;
  private readonly keepDeadMs: number;
  private readonly graceMs: number;

  constructor(options: OutboxOptions = {}) {
    this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
    this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
    this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
  }

  add(events: readonly WireEvent[], now: number): boolean[] {
    return events.map((event) => {
      if (this.byId.has(event.id)) return false;
      const entry: Entry = {
        seq: ++this.seq,
        id: event.id,
        type: event.type,
        sessionId: event.sessionId,
        event,
        acceptedAt: now,
        attempts: 0,
        status: 'pending',
        notBefore: 0,
      };
      this.byId.set(entry.id, entry);
      this.pending.set(entry.seq, entry);
      if (entry.type === 'media-played') {
        const s = this.session(entry.sessionId, now);
        s.pendingPlayed++;
        s.seen = true;
      }
      return true;
    });
  }

  claim(limit: number, now: number): OutboxEvent[] {
    const out: OutboxEvent[] = [];
    for (const entry of this.pending.values()) {
      if (out.length >= limit) break;
      if (this.claimed.has(entry.seq) || entry.notBefore > now) continue;
      const s = this.sessions.get(entry.sessionId);
      const order = { playedPending: (s?.pendingPlayed ?? 0) > 0, playedSeen: s?.seen ?? false };
      if (!orderAllows(entry.type, entry.acceptedAt, order, now, this.graceMs)) continue;
      this.claimed.add(entry.seq);
      out.push(snapshot(entry));
    }
    return out;
  }

  sent(seq: number, now: number): void {
    this.settle(seq, now, 'sent');
  }

  retry(seq: number, at: number, error: UpstreamError): void {
    const entry = this.pending.get(seq);
    this.claimed.delete(seq);
    if (!entry) return;
    entry.attempts++;
    entry.notBefore = at;
    entry.error = error;
  }

  dead(seq: number, now: number, error: UpstreamError): void {
    const entry = this.pending.get(seq);
    if (entry) {
      entry.attempts++;
      entry.error = error;
    }
    this.settle(seq, now, 'dead');
  }

  stats(_now?: number): OutboxStats {
    let dead = 0;
    for (const e of this.byId.values()) if (e.status === 'dead') dead++;
    const first = this.pending.values().next();
    return { pending: this.pending.size, oldestPendingAt: first.done ? undefined : first.value.acceptedAt, dead };
  }

  recent(limit: number): OutboxEvent[] {
    return [...this.byId.values()].slice(-limit).reverse().map(snapshot);
  }

  deadLetters(limit: number): OutboxEvent[] {
    const dead = [...this.byId.values()].filter((e) => e.status === 'dead');
    dead.sort((a, b) => (b.doneAt ?? 0) - (a.doneAt ?? 0));
    return dead.slice(0, limit).map(snapshot);
  }

  noteSend(at: number): void {
    this.sends.push(at);
  }

  sendsSince(since: number): number[] {
    this.sends = this.sends.filter((t) => t > since);
    return [...this.sends];
  }

  prune(now: number): void {
    for (const [id, e] of this.byId) {
      const keep = e.status === 'sent' ? this.keepDeliveredMs : e.status === 'dead' ? this.keepDeadMs : Infinity;
      if (e.doneAt !== undefined && now - e.doneAt >= keep) this.byId.delete(id);
    }
    for (const [session, s] of this.sessions) {
      if (s.pendingPlayed === 0 && now - s.lastAt >= this.keepDeliveredMs) this.sessions.delete(session);
    }
  }

  close(): void {}

  private settle(seq: number, now: number, status: 'sent' | 'dead'): void {
    this.claimed.delete(seq);
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    entry.status = status;
    entry.doneAt = now;
    if (entry.type === 'media-played') this.session(entry.sessionId, now).pendingPlayed--;
  }

  private session(id: string, now: number) {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = { pendingPlayed: 0, seen: false, lastAt: now }));
    s.lastAt = now;
    return s;
  }
}

function snapshot(entry: Entry): OutboxEvent {
  const { notBefore: _notBefore, ...event } = entry;
  return { ...event };
}
