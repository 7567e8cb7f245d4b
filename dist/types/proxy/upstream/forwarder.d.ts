/**
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the rate
 * bucket allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It launches as many sends as there are free tokens and free
 * in-flight slots, and is run again when a send settles, when new events arrive (`kick`),
 * and by a timer when it has to wait (a token coming back, a pause ending, a retry coming
 * due). Every send is tracked until it settles, so `stop()` can let them finish.
 */
import { type RetryPolicy, type UpstreamError, type UpstreamResult } from './backoff.js';
import { type FetchLike } from './hubspot-client.js';
import type { Logger } from '../log.js';
import type { TokenSource } from './oauth.js';
import type { Outbox, OutboxEvent } from '../store/outbox.js';
import type { WireEvent } from '../../wire.js';
import type { RateBucket } from './rate-bucket.js';
/** Upstream condition, for /healthz. */
export type UpstreamState = {
    state: 'ok';
} | {
    state: 'backing-off';
    until: number;
} | {
    state: 'daily-limit';
    until: number;
} | {
    state: 'unauthorized';
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
    bucket: RateBucket;
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
    /** Tokens to leave free for other requests that share the rate limit (see SharedLimit). */
    heldBack?: () => number;
}
/**
 * What the forwarder asks about each event before it takes a token for it. A held event
 * stays claimed, off the rate limit, until `until` passes or `kick()` says it may be ready.
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
    private pause;
    private rateLimitStreak;
    private failureStreak;
    private restored;
    constructor(options: ForwarderOptions);
    /** Restores the send log into the bucket, then drains in the background until `stop()`. */
    start(): Promise<void>;
    /** Once: the bucket learns what the previous run sent. */
    private restore;
    /** New events may be ready. */
    kick(): void;
    /** Stops sending and resolves once every request in flight has settled. */
    stop(): Promise<void>;
    /** Sends what can be sent now and waits for it to settle (for runtimes without a background loop). */
    drain(): Promise<void>;
    get inFlightCount(): number;
    state(now: number): UpstreamState;
    private pump;
    private launchReady;
    /** Parks `event` when `hold` says so; true when parked. */
    private holdBack;
    /** Up to `limit` parked events whose hold has ended, oldest first. */
    private unpark;
    private send;
    private apply;
    private bury;
    private scrubbed;
    /** Pauses all sending until `until` (also called by the media catalog on a 429, see SharedLimit). */
    pauseFor(reason: 'backing-off' | 'daily-limit' | 'unauthorized', until: number): void;
    private wakeAt;
    private clearTimer;
}
