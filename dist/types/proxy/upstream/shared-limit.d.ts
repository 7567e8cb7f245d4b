/**
 * The one rate limit of all requests toward HubSpot, for the media-object calls. HubSpot
 * counts an app's requests across all its endpoints, so object calls take their slots from
 * the very gate the forwarder uses (this process's LocalGate, or the Redis gate that every
 * instance shares): the same rolling window, the same send log, the same pauses, which they
 * also set on a 429.
 *
 * An object call takes its slot as a named waiter (UpstreamGate.take): takes for events
 * leave it the next free slot, so a creation is not starved by a backlog of events (the
 * events of that media are waiting for it).
 */
import type { PauseReason, UpstreamGate } from './gate.js';
export interface SharedLimit {
    /** Resolves once a request may start (no pause, a free slot), with its slot; rejects when `signal` aborts. */
    acquire(signal: AbortSignal): Promise<string>;
    /** The request holding `slot` has ended (answered, failed or timed out). */
    release(slot: string): Promise<void>;
    /** A 429: every request (of every instance, with a shared gate) waits until `until`. */
    pause(reason: 'rate_limited' | 'daily_limit', until: number): Promise<void>;
    /** Requests waiting in `acquire`. */
    readonly waiting: number;
}
/** The forwarder's side of the seam. */
export interface SharedUpstream {
    /** Resolves once the gate has learnt what was sent before this process started. */
    restore(): Promise<void>;
    /** Pauses all sending, says so in the log once, and wakes the forwarder when it ends. */
    pauseFor(reason: PauseReason, until: number): Promise<void>;
    /** A slot was taken or came back: the forwarder looks again. */
    kick(): void;
}
export interface SharedLimitOptions {
    /** The forwarder's gate: the same instance. */
    gate: UpstreamGate;
    upstream: SharedUpstream;
    now: () => number;
    /** How often a waiting request looks again when nothing says when a slot returns. Default 50 ms. */
    pollMs?: number;
}
export declare function sharedLimit(o: SharedLimitOptions): SharedLimit;
/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export declare function sleep(ms: number, signal?: AbortSignal): Promise<void>;
