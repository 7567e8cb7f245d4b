/**
 * What to do after one upstream attempt: the retry and backoff rules, as pure decisions.
 *
 * - 2xx: delivered.
 * - 429 with `policyName: "DAILY"`: stop sending until the limit resets (Retry-After when
 *   HubSpot gives one, else probe again after `dailyPauseMs`); the queue is kept.
 * - 429 otherwise (TEN_SECONDLY_ROLLING): pause all sending, for Retry-After or a short pause
 *   that doubles while 429s keep coming. Retry-After is not documented by HubSpot, but honoured.
 * - 5xx, 408, timeouts and network errors: retry this event after a capped exponential
 *   backoff with jitter.
 * - 401/403: the proxy's credentials are wrong or lack the scope, not the event: keep the
 *   event and pause (the forwarder refreshes an OAuth token once first).
 * - Any other 4xx: a dead letter that keeps HubSpot's category, message and correlationId.
 *
 * Rate limits: https://developers.hubspot.com/docs/api/usage-details
 */
import type { UpstreamError } from '../contracts/upstream-error.js';
export type { UpstreamError };
/** How one upstream attempt ended. */
export interface UpstreamResult {
    /** HTTP status; absent when no answer came. */
    status?: number;
    /** Why no answer came. */
    failure?: 'timeout' | 'network';
    /** HubSpot's JSON answer, when there was one. */
    body?: unknown;
    /** Retry-After, converted to ms from now. */
    retryAfterMs?: number;
    /** Time from sending to the answer (or failure). */
    latencyMs: number;
}
/** The retry policy's knobs, all in ms. */
export interface RetryPolicy {
    /** First retry delay after a 5xx, timeout or network error. Default 1,000. */
    baseMs: number;
    /** Longest retry delay, and the cap on a rolling-window Retry-After. Default 300,000. */
    maxMs: number;
    /** Pause after a TEN_SECONDLY_ROLLING 429 without Retry-After. Default 1,000 (doubles, up to 10 s). */
    rollingPauseMs: number;
    /** Pause after a DAILY 429 without Retry-After, before probing again. Default 900,000. */
    dailyPauseMs: number;
    /** Pause after HubSpot refused the credentials. Default 60,000. */
    authPauseMs: number;
    /** An event not delivered this long after it was accepted becomes a dead letter. Default 3 days. */
    giveUpAfterMs: number;
}
export declare const DEFAULT_RETRY_POLICY: RetryPolicy;
export type Decision = {
    kind: 'delivered';
}
/** Retry this event at `at`. */
 | {
    kind: 'retry';
    reason: 'server_error' | 'timeout' | 'network';
    at: number;
    error: UpstreamError;
}
/** Stop all sending until `until`; this event goes back to the queue. */
 | {
    kind: 'pause';
    reason: 'rate_limited' | 'daily_limit';
    until: number;
    error: UpstreamError;
}
/** The credentials were refused. */
 | {
    kind: 'unauthorized';
    error: UpstreamError;
} | {
    kind: 'dead';
    error: UpstreamError;
};
export interface DecisionContext {
    now: number;
    /** Attempts already made for this event, this one not included. */
    attempts: number;
    /** Rolling-window 429s in a row before this one. */
    rateLimitStreak: number;
    policy: RetryPolicy;
    /** Uniform in [0, 1). */
    random: () => number;
}
/** Decides what one attempt's result means. */
export declare function decide(result: UpstreamResult, ctx: DecisionContext): Decision;
/**
 * Capped exponential backoff with "equal jitter": half of the capped delay is fixed, half is
 * random, so retries of many events spread out but none comes back immediately.
 */
export declare function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number): number;
/** True when an event accepted at `acceptedAt` has waited too long to be worth sending. */
export declare function expired(acceptedAt: number, now: number, policy: RetryPolicy): boolean;
/** Retry-After (seconds or an HTTP date) as ms from `now`, or undefined. */
export declare function parseRetryAfter(value: string | null | undefined, now: number): number | undefined;
/** HubSpot's error fields, trimmed to what is worth keeping. */
export declare function upstreamError(result: UpstreamResult): UpstreamError;
/** HubSpot's error text is kept and shown; a credential echoed in it must not be. */
export declare function scrubError(error: UpstreamError, secrets: readonly string[]): UpstreamError;
