/**
 * The outbox: where accepted events wait for HubSpot.
 *
 * `Outbox` is the storage contract the proxy needs. `MemoryOutbox` (./memory-outbox.ts)
 * implements it in memory (tests, the demo, and runtimes where you accept losing the queue
 * on restart), `SqliteOutbox` (`media-bridge-tracker/proxy/sqlite`) durably for one process, and
 * `RedisOutbox` (`media-bridge-tracker/proxy/redis`) for any number of processes sharing one queue.
 * Any other store (a database, another shared queue) can implement it; its methods may
 * return promises.
 */
import type { EventType, WireEvent } from '../../wire.js';
import type { MaybePromise } from '../contracts/maybe-promise.js';
import type { OAuthTokenStore } from '../contracts/oauth-tokens.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import type { UpstreamGate } from '../contracts/upstream-gate.js';
import type { BacklogPolicy } from './backlog-policy.js';
export type { MaybePromise };
/**
 * Where an event stands: waiting, delivered, given up on (a dead letter), or dropped under
 * backlog because a higher quartile of its session replaced it (HUBSPOT_BACKLOG=coalesce).
 */
export type OutboxStatus = 'pending' | 'sent' | 'dead' | 'superseded';
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
    /** Waiting events by type (a store that cannot tell leaves it out). */
    waiting?: Partial<Record<EventType, number>>;
    /** Events delivered lately: how many, since when (for the send rate). */
    delivered?: {
        count: number;
        since: number;
    };
    /** Quartiles dropped as superseded so far (HUBSPOT_BACKLOG=coalesce). */
    superseded?: number;
}
/** How far back `OutboxStats.delivered` looks. */
export declare const DELIVERED_WINDOW_MS = 60000;
/**
 * The storage contract.
 *
 * Order: `claim` hands out events oldest first, or under backlog in the value order of the
 * backlog policy (./backlog-policy.ts), except that an event of a session whose
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
    /**
     * Where OAuth keeps its tokens: each install's newest refresh token (HubSpot may rotate it),
     * so a restart does not present a spent one, and with a shared store the access token all
     * instances use. Every store of this package has one (LocalTokenStore for one process);
     * without it, the proxy keeps them in memory only, and says so at start-up.
     */
    tokenStore?(): OAuthTokenStore;
    /**
     * For a store that several proxy instances share: the upstream gate all of them go
     * through, one rate window for events and media-object calls, and pauses (daily limit,
     * refused credentials) that one instance learns and all obey. Without it, each process
     * keeps its own gate over `noteSend`/`sendsSince`.
     */
    sharedGate?(options: {
        limit: number;
        timeoutMs: number;
        windowMs?: number;
    }): UpstreamGate;
    /** Its backlog policy, for /healthz and /metrics (./backlog-policy.ts). */
    backlogPolicy?(): BacklogPolicy;
    /** How the store is reached, for /healthz and /metrics. */
    connection?(): StoreConnection;
}
/** A store on a server of its own (Redis), as /healthz shows it. */
export interface StoreConnection {
    /** The kind of store, e.g. `redis`. */
    kind: string;
    /** The queue (or other name) the instances share. */
    queue: string;
    /** `ready`, or why not: `connecting`, `reconnecting`, `closed`. */
    state: 'ready' | 'connecting' | 'reconnecting' | 'closed';
    /** Since when it has not been ready (ISO time), when it is not. */
    downSince?: string;
}
/** Retention and ordering knobs shared by the outboxes. */
export interface OutboxOptions {
    /** How long a delivered event's id is remembered to drop duplicates. Default 7 days. */
    keepDeliveredMs?: number;
    /** How long dead letters are kept. Default 30 days. */
    keepDeadMs?: number;
    /** How long an event waits for its session's `media-played` to arrive. Default 5,000. */
    orderGraceMs?: number;
    /** What goes first under backlog (./backlog-policy.ts). Default priority after 30 s. */
    backlog?: Partial<BacklogPolicy>;
}
export declare const DEFAULT_KEEP_DELIVERED_MS: number;
export declare const DEFAULT_KEEP_DEAD_MS: number;
export declare const DEFAULT_ORDER_GRACE_MS = 5000;
/** What the order rule needs to know about an event's session. */
export interface SessionOrder {
    /** A `media-played` of the session is pending (waiting or in flight). */
    playedPending: boolean;
    /** A `media-played` of the session has been seen at all. */
    playedSeen: boolean;
}
/** The order rule: may this event go now? */
export declare function orderAllows(type: EventType, acceptedAt: number, session: SessionOrder, now: number, graceMs: number): boolean;
