/**
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the
 * upstream gate allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It takes as many slots from the gate as there are free
 * in-flight places, claims that many events, gives back the slots it has no event for, and
 * sends. It is run again when a send settles, when new events arrive (`kick`), and by a
 * timer when it has to wait (a slot coming back, a pause ending, a retry coming due). Every
 * send is tracked until it settles, so `stop()` can let them finish. The gate is this
 * process's own (LocalGate) or the one a shared store gives all instances; pauses go to it,
 * so one instance learning of the daily limit pauses them all. Media-object calls take their
 * slots from the same gate (SharedLimit), and an event whose media object is being made is
 * held aside (`hold`), claimed but without a slot, until the object exists.
 */
import { type RetryPolicy, type UpstreamError, type UpstreamResult } from './backoff.js';
import { type FetchLike } from './hubspot-client.js';
import { type Logger } from '../log.js';
import type { TokenSource } from './oauth.js';
import type { Outbox, OutboxEvent } from '../store/outbox.js';
import type { WireEvent } from '../../wire.js';
import type { PauseReason, UpstreamGate } from './gate.js';
/** Upstream condition, for /healthz. */
export type UpstreamState = {
    state: 'ok';
} | {
    state: PauseReason;
    until: number;
};
/** What the forwarder reports about each attempt. */
export type ForwardOutcome = {
    kind: 'forwarded';
    event: OutboxEvent;
    result: UpstreamResult;
} | {
    kind: 'retry';
    event: OutboxEvent;
    result?: UpstreamResult;
    reason: string;
    at: number;
    error: UpstreamError;
} | {
    kind: 'dead';
    event: OutboxEvent;
    result?: UpstreamResult;
    error: UpstreamError;
};
export interface ForwarderOptions {
    outbox: Outbox;
    tokens: TokenSource;
    gate: UpstreamGate;
    fetch: FetchLike;
    apiBase: string;
    timeoutMs: number;
    policy: RetryPolicy;
    /** Most requests in flight at once. Default 8. */
    maxInFlight?: number;
    /** How often to look for due retries when idle. Default 1,000 ms. */
    idlePollMs?: number;
    log: Logger;
    now?: () => number;
    random?: () => number;
    onOutcome?: (outcome: ForwardOutcome) => void;
    /** Holds events back while their media's object is being made, and adds its id (the media catalog). */
    hold?: EventHold;
}
/**
 * What the forwarder asks about each event before it sends it. A held event stays claimed,
 * without a slot of the rate limit, until `until` passes or `kick()` says it may be ready.
 */
export interface EventHold {
    /** Until when to hold `event` back; `now` or earlier sends it now. */
    until(event: WireEvent, now: number): number;
    /** The event as it goes upstream (with its `mediaBridgeId`). */
    prepare(event: WireEvent): WireEvent;
}
export declare class Forwarder {
    private readonly o;
    private readonly inFlight;
    /** Claimed events held back by `hold`, oldest first. */
    private parked;
    private running;
    /** The pump now running, if any. */
    private pumping;
    private pumpAgain;
    private timer;
    private timerAt;
    private rateLimitStreak;
    private failureStreak;
    private restored;
    private readonly reading;
    private readonly returning;
    private readonly noting;
    constructor(options: ForwarderOptions);
    /** Lets the gate learn what was sent before, then drains in the background until `stop()`. */
    start(): Promise<void>;
    /** Once: the gate learns what the previous run sent (before anything, events or not, takes a slot). */
    restore(): Promise<void>;
    /** New events may be ready. */
    kick(): void;
    /** Stops sending and resolves once every request in flight has settled. */
    stop(): Promise<void>;
    /** Sends what can be sent now and waits for it to settle (for runtimes without a background loop). */
    drain(): Promise<void>;
    get inFlightCount(): number;
    state(now: number): Promise<UpstreamState>;
    private pump;
    private launchReady;
    /** Gives back slots unused. One that cannot be (its store is down) lapses on its own, later. */
    private returnSlots;
    /** Parks `event` when `hold` says so; true when parked. */
    private holdBack;
    /** Up to `limit` parked events whose hold has ended, oldest first. */
    private unpark;
    private send;
    private apply;
    private bury;
    private scrubbed;
    /**
     * Pauses all sending (every instance, with a shared gate) until `until`. The media catalog
     * calls it too, on a 429 to an object call (see SharedLimit).
     */
    pauseFor(reason: PauseReason, until: number): Promise<void>;
    private wakeAt;
    private clearTimer;
}
