/**
 * The upstream gate: may a request go to HubSpot now? It answers for HubSpot's rolling
 * 10-second window and for the pauses the backoff rules decide (a rolling-window 429, the
 * daily limit, refused credentials, repeated failures).
 *
 * Every request to HubSpot goes through one, events and media-object calls alike (HubSpot
 * counts an app's requests across all its endpoints): it takes a slot before it starts and
 * completes it when it ends. `LocalGate` is the one process's gate (a RateBucket, the
 * outbox's send log, and a pause in memory). A store that several proxy instances share
 * provides one gate for all of them (`Outbox.sharedGate`), such as the Redis store's rolling
 * window.
 *
 * A request that must not queue behind a backlog of events (a media object, whose events
 * wait for it) takes its slot as a named waiter: while it waits, takes without a name leave
 * a slot free for each waiter, so it gets the next one.
 */
import type { MaybePromise } from '../store/outbox.js';
/** Why sending is paused. */
export type PauseReason = 'backing-off' | 'daily-limit' | 'unauthorized';
export interface Pause {
    reason: PauseReason;
    /** When sending may start again (ms since the epoch). */
    until: number;
}
/** A waiter counts as waiting this long after its last `take`: it must ask again within that. */
export declare const WAITER_MS = 2000;
/** How soon a take that left a slot to a waiter should look again. */
export declare const WAITER_POLL_MS = 50;
/** What `take` hands out. */
export interface Admission {
    /** One per request that may start now; each is then released unused, or begun and completed. */
    slots: string[];
    /** When fewer slots than wanted: ms from now until one may free up (or the pause ends). */
    waitMs: number;
    /** Set when sending is paused: then no slot is given. */
    pause?: Pause;
}
export interface UpstreamGate {
    /** Requests allowed in any 10 s window. */
    readonly limit: number;
    /** Learns what was sent before this process started (once, before the first take). */
    start?(now: number): MaybePromise<void>;
    /**
     * Up to `wanted` slots for requests about to start; a slot counts as a request from now on.
     * With `waiter` (a name unique to the request), the caller goes before takes without one:
     * until it gets its slot, or stops asking for WAITER_MS, they leave a slot free for it.
     */
    take(wanted: number, now: number, waiter?: string): MaybePromise<Admission>;
    /** A slot taken but not used: no request was sent with it. */
    release(slot: string): MaybePromise<void>;
    /** The request holding `slot` starts at `at`; resolves once that is recorded. */
    begin(slot: string, at: number): MaybePromise<void>;
    /** The request holding `slot` ended (answered, failed or timed out) at `now`. */
    complete(slot: string, now: number): MaybePromise<void>;
    /** Pauses all sending until `pause.until`; true when this changed the reason (worth a log line). */
    pause(pause: Pause, now: number): MaybePromise<boolean>;
    /** The pause in force at `now`, if any. */
    paused(now: number): MaybePromise<Pause | undefined>;
}
/** Where a process's send times are kept across restarts (the outbox's send log). */
export interface SendLog {
    noteSend(at: number): MaybePromise<void>;
    sendsSince(since: number): MaybePromise<number[]>;
}
/**
 * The gate of one process: a RateBucket, with every send noted in the outbox's send log so a
 * restarted process does not burst a fresh bucket (requests of the previous run count as
 * taking the whole timeout, see RateBucket).
 */
export declare class LocalGate implements UpstreamGate {
    private readonly log;
    readonly limit: number;
    private readonly bucket;
    private readonly timeoutMs;
    private current;
    private next;
    /** Named waiters, and until when each counts. */
    private readonly waiters;
    constructor(log: SendLog, options: {
        limit: number;
        timeoutMs: number;
        windowMs?: number;
    });
    start(now: number): Promise<void>;
    take(wanted: number, now: number, waiter?: string): Admission;
    release(_slot: string): void;
    begin(_slot: string, at: number): MaybePromise<void>;
    complete(_slot: string, now: number): void;
    pause(pause: Pause, now: number): boolean;
    paused(now: number): Pause | undefined;
    private pausedNow;
}
