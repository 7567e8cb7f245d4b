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
import { scrub } from '../log.js';

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

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1_000,
  maxMs: 300_000,
  rollingPauseMs: 1_000,
  dailyPauseMs: 900_000,
  authPauseMs: 60_000,
  giveUpAfterMs: 3 * 24 * 3600_000,
};

const ROLLING_PAUSE_CAP_MS = 10_000;
const DAILY_PAUSE_CAP_MS = 24 * 3600_000;

export type Decision =
  | { kind: 'delivered' }
  /** Retry this event at `at`. */
  | { kind: 'retry'; reason: 'server_error' | 'timeout' | 'network'; at: number; error: UpstreamError }
  /** Stop all sending until `until`; this event goes back to the queue. */
  | { kind: 'pause'; reason: 'rate_limited' | 'daily_limit'; until: number; error: UpstreamError }
  /** The credentials were refused. */
  | { kind: 'unauthorized'; error: UpstreamError }
  | { kind: 'dead'; error: UpstreamError };

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
export function decide(result: UpstreamResult, ctx: DecisionContext): Decision {
  const { status } = result;
  const error = upstreamError(result);
  if (status === undefined) {
    const reason = result.failure === 'timeout' ? 'timeout' : 'network';
    return { kind: 'retry', reason, at: ctx.now + backoffDelay(ctx.attempts, ctx.policy, ctx.random), error };
  }
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 429) {
    if (error.policyName === 'DAILY') {
      const wait = result.retryAfterMs ?? ctx.policy.dailyPauseMs;
      return { kind: 'pause', reason: 'daily_limit', until: ctx.now + Math.min(wait, DAILY_PAUSE_CAP_MS), error };
    }
    const pause = Math.min(ctx.policy.rollingPauseMs * 2 ** ctx.rateLimitStreak, ROLLING_PAUSE_CAP_MS);
    const wait = result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, ctx.policy.maxMs) : pause;
    return { kind: 'pause', reason: 'rate_limited', until: ctx.now + wait, error };
  }
  if (status >= 500 || status === 408) {
    const delay = Math.max(backoffDelay(ctx.attempts, ctx.policy, ctx.random), Math.min(result.retryAfterMs ?? 0, ctx.policy.maxMs));
    return { kind: 'retry', reason: 'server_error', at: ctx.now + delay, error };
  }
  if (status === 401 || status === 403) return { kind: 'unauthorized', error };
  return { kind: 'dead', error };
}

/**
 * Capped exponential backoff with "equal jitter": half of the capped delay is fixed, half is
 * random, so retries of many events spread out but none comes back immediately.
 */
export function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number): number {
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** True when an event accepted at `acceptedAt` has waited too long to be worth sending. */
export function expired(acceptedAt: number, now: number, policy: RetryPolicy): boolean {
  return now - acceptedAt >= policy.giveUpAfterMs;
}

/** Retry-After (seconds or an HTTP date) as ms from `now`, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Otherwise only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), which names a day or month.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** HubSpot's error fields, trimmed to what is worth keeping. */
export function upstreamError(result: UpstreamResult): UpstreamError {
  const error: UpstreamError = {};
  if (result.status !== undefined) error.status = result.status;
  if (result.failure) error.failure = result.failure;
  const body = result.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of ['category', 'message', 'correlationId', 'policyName'] as const) {
      if (typeof b[key] === 'string') error[key] = (b[key] as string).slice(0, 500);
    }
  }
  return error;
}

/** HubSpot's error text is kept and shown; a credential echoed in it must not be. */
export function scrubError(error: UpstreamError, secrets: readonly string[]): UpstreamError {
  const out: UpstreamError = { ...error };
  for (const key of ['category', 'message', 'correlationId', 'policyName'] as const) {
    const value = out[key];
    if (value !== undefined) out[key] = scrub(value, secrets);
  }
  return out;
}
