/**
 * `MemoryOutbox`: the outbox contract in memory. Fast and exact, and gone when the process
 * ends: for tests, the demo, and runtimes where losing the queue on restart is acceptable.
 * It is the shortest complete implementation of `Outbox` (./outbox.ts), and keeps the portal
 * store (./portal-store.ts) and OAuth's tokens in memory too.
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
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
} from './outbox.js';
import type { OAuthTokenStore } from '../contracts/oauth-tokens.js';
import { DEFAULT_BACKLOG, dropsAsSuperseded, inBacklog, supersedes, tierOf, TIER_SUPERSEDED, type BacklogPolicy } from './backlog-policy.js';
import { LocalTokenStore } from './local-tokens.js';
import { MemoryPortalStore } from './memory-portal.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from './portal-store.js';

interface Entry extends OutboxEvent {
  notBefore: number;
  tier: number;
  percent?: number;
}

/** An outbox in memory: fast and exact, and gone when the process ends. */
export class MemoryOutbox implements Outbox, PortalStore {
  private seq = 0;
  /** Every event still remembered, by id, in arrival order. */
  private readonly byId = new Map<string, Entry>();
  /** Pending events by seq, in arrival order. */
  private readonly pending = new Map<number, Entry>();
  private readonly claimed = new Set<number>();
  /** Per session: pending media-played count, and whether one was ever seen. */
  private readonly sessions = new Map<string, { pendingPlayed: number; seen: boolean; lastAt: number; top?: number }>();
  private readonly backlog: BacklogPolicy;
  private superseded = 0;
  private sends: number[] = [];
  private readonly portal = new MemoryPortalStore();
  private readonly tokens = new LocalTokenStore();
  private readonly keepDeliveredMs: number;
  private readonly keepDeadMs: number;
  private readonly graceMs: number;

  constructor(options: OutboxOptions = {}) {
    this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
    this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
    this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
    this.backlog = { ...DEFAULT_BACKLOG, ...options.backlog };
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
        tier: tierOf(event.type),
      };
      if (event.type === 'media-played-percent') {
        const s = this.session(entry.sessionId, now);
        entry.percent = event.playedPercent;
        entry.tier = tierOf(event.type, event.playedPercent, s.top);
        if (supersedes(event.playedPercent, s.top)) {
          for (const e of this.pending.values()) if (e.sessionId === entry.sessionId && e.percent !== undefined && e.percent < event.playedPercent) e.tier = TIER_SUPERSEDED;
        }
        if (s.top === undefined || event.playedPercent > s.top) s.top = event.playedPercent;
      }
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
    const first = this.pending.values().next();
    const backlog = inBacklog(this.backlog, first.done ? undefined : first.value.acceptedAt, now);
    const candidates = backlog ? [...this.pending.values()].sort((a, b) => a.tier - b.tier || a.seq - b.seq) : this.pending.values();
    for (const entry of candidates) {
      if (out.length >= limit) break;
      if (this.claimed.has(entry.seq) || entry.notBefore > now) continue;
      if (dropsAsSuperseded(this.backlog, entry.tier, backlog)) {
        this.superseded++;
        this.settle(entry.seq, now, 'superseded');
        continue;
      }
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

  stats(now: number = Date.now()): OutboxStats {
    let dead = 0;
    const delivered = { count: 0, since: now };
    for (const e of this.byId.values()) {
      if (e.status === 'dead') dead++;
      if (e.status === 'sent' && e.doneAt! > now - DELIVERED_WINDOW_MS) {
        delivered.count++;
        delivered.since = Math.min(delivered.since, e.doneAt!);
      }
    }
    const waiting: OutboxStats['waiting'] = {};
    for (const e of this.pending.values()) waiting[e.type] = (waiting[e.type] ?? 0) + 1;
    const first = this.pending.values().next();
    return { pending: this.pending.size, oldestPendingAt: first.done ? undefined : first.value.acceptedAt, dead, waiting, delivered, superseded: this.superseded };
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
      const keep = e.status === 'sent' || e.status === 'superseded' ? this.keepDeliveredMs : e.status === 'dead' ? this.keepDeadMs : Infinity;
      if (e.doneAt !== undefined && now - e.doneAt >= keep) this.byId.delete(id);
    }
    for (const [session, s] of this.sessions) {
      if (s.pendingPlayed === 0 && now - s.lastAt >= this.keepDeliveredMs) this.sessions.delete(session);
    }
  }

  close(): void {}

  backlogPolicy(): BacklogPolicy {
    return { ...this.backlog };
  }

  /** OAuth's tokens, in memory (./local-tokens.ts). */
  tokenStore(): OAuthTokenStore {
    return this.tokens;
  }

  // The portal store (./portal-store.ts): the media catalog.
  mediaCatalog(): MediaCatalogSnapshot {
    return this.portal.mediaCatalog();
  }

  mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined {
    return this.portal.mediaObject(mediaType, externalId);
  }

  putMediaObjects(records: readonly MediaObjectRecord[]): void {
    this.portal.putMediaObjects(records);
  }

  removeMediaObjects(keys: readonly MediaObjectKey[]): void {
    this.portal.removeMediaObjects(keys);
  }

  setMediaListedAt(mediaType: MediaType, at: number): void {
    this.portal.setMediaListedAt(mediaType, at);
  }

  claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean {
    return this.portal.claimMediaObject(mediaType, externalId, owner, now, until);
  }

  private settle(seq: number, now: number, status: 'sent' | 'dead' | 'superseded'): void {
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
  const { notBefore: _notBefore, tier: _tier, percent: _percent, ...event } = entry;
  return { ...event };
}
