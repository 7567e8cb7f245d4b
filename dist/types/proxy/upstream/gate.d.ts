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
import type { MaybePromise } from '../contracts/maybe-promise.js';
import { WAITER_MS, WAITER_POLL_MS, type Admission, type Pause, type UpstreamGate } from '../contracts/upstream-gate.js';
export { WAITER_MS, WAITER_POLL_MS };
export type { Admission, Pause, PauseReason, UpstreamGate } from '../contracts/upstream-gate.js';
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
