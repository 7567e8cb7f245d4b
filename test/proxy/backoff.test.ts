import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  decide,
  expired,
  parseRetryAfter,
  type DecisionContext,
  type UpstreamResult,
} from '../../src/proxy/upstream/backoff.js';

const NOW = 1_000_000;
const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  now: NOW,
  attempts: 0,
  rateLimitStreak: 0,
  policy: DEFAULT_RETRY_POLICY,
  random: () => 0.5,
  ...over,
});
const answer = (status: number, body?: unknown, retryAfterMs?: number): UpstreamResult => ({ status, body, retryAfterMs, latencyMs: 40 });

describe('decide', () => {
  it.each([200, 201, 204])('takes %i as delivered', (status) => {
    expect(decide(answer(status), ctx())).toEqual({ kind: 'delivered' });
  });

  it('pauses everything after a TEN_SECONDLY_ROLLING 429, longer while they keep coming', () => {
    const body = { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', correlationId: 'c1' };
    expect(decide(answer(429, body), ctx())).toMatchObject({ kind: 'pause', reason: 'rate_limited', until: NOW + 1000 });
    expect(decide(answer(429, body), ctx({ rateLimitStreak: 2 }))).toMatchObject({ until: NOW + 4000 });
    expect(decide(answer(429, body), ctx({ rateLimitStreak: 20 }))).toMatchObject({ until: NOW + 10_000 });
  });

  it('honours Retry-After on a rolling 429, capped', () => {
    const body = { policyName: 'TEN_SECONDLY_ROLLING' };
    expect(decide(answer(429, body, 3000), ctx())).toMatchObject({ kind: 'pause', until: NOW + 3000 });
    expect(decide(answer(429, body, 3600_000), ctx())).toMatchObject({ until: NOW + DEFAULT_RETRY_POLICY.maxMs });
  });

  it('treats a 429 without a known policy as the rolling limit', () => {
    expect(decide(answer(429, 'not json'), ctx())).toMatchObject({ kind: 'pause', reason: 'rate_limited' });
  });

  it('stops until the daily limit resets, keeping HubSpot error fields', () => {
    const body = { status: 'error', message: 'daily limit', policyName: 'DAILY', correlationId: 'c2', category: 'RATE_LIMITS' };
    expect(decide(answer(429, body, 7200_000), ctx())).toEqual({
      kind: 'pause',
      reason: 'daily_limit',
      until: NOW + 7200_000,
      error: { status: 429, message: 'daily limit', policyName: 'DAILY', correlationId: 'c2', category: 'RATE_LIMITS' },
    });
    expect(decide(answer(429, body), ctx())).toMatchObject({ until: NOW + DEFAULT_RETRY_POLICY.dailyPauseMs });
  });

  it.each([500, 502, 503, 504, 408])('retries %i with backoff', (status) => {
    expect(decide(answer(status), ctx({ attempts: 2 }))).toMatchObject({ kind: 'retry', reason: 'server_error', at: NOW + 3000 });
  });

  it('waits at least Retry-After on a 503', () => {
    expect(decide(answer(503, undefined, 20_000), ctx())).toMatchObject({ kind: 'retry', at: NOW + 20_000 });
  });

  it.each([
    ['timeout', 'timeout'],
    ['network', 'network'],
  ] as const)('retries a %s', (failure, reason) => {
    expect(decide({ failure, latencyMs: 10_000 }, ctx())).toEqual({
      kind: 'retry',
      reason,
      at: NOW + 750,
      error: { failure },
    });
  });

  it.each([401, 403])('reports %i as the credentials being refused, not the event', (status) => {
    expect(decide(answer(status, { category: 'INVALID_AUTHENTICATION' }), ctx())).toMatchObject({ kind: 'unauthorized' });
  });

  it.each([400, 404, 409, 413, 422])('dead-letters any other 4xx (%i) with category, message and correlationId', (status) => {
    const body = { status: 'error', category: 'VALIDATION_ERROR', message: 'Media object not found', correlationId: 'abc-123', extra: 'dropped' };
    expect(decide(answer(status, body), ctx())).toEqual({
      kind: 'dead',
      error: { status, category: 'VALIDATION_ERROR', message: 'Media object not found', correlationId: 'abc-123' },
    });
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, with jitter in the upper half, up to the cap', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseMs: 1000, maxMs: 60_000 };
    expect(backoffDelay(0, p, () => 0)).toBe(500);
    expect(backoffDelay(0, p, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, p, () => 0)).toBe(4000);
    expect(backoffDelay(3, p, () => 0.999999)).toBe(8000);
    expect(backoffDelay(40, p, () => 0.999999)).toBe(60_000);
    expect(backoffDelay(40, p, () => 0)).toBe(30_000);
  });

  it('spreads retries of simultaneous failures', () => {
    const r = [0.1, 0.4, 0.7, 0.9].map((x) => backoffDelay(2, DEFAULT_RETRY_POLICY, () => x));
    expect(new Set(r).size).toBe(4);
  });
});

describe('expired', () => {
  it('gives up after giveUpAfterMs', () => {
    expect(expired(0, DEFAULT_RETRY_POLICY.giveUpAfterMs - 1, DEFAULT_RETRY_POLICY)).toBe(false);
    expect(expired(0, DEFAULT_RETRY_POLICY.giveUpAfterMs, DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['1.5', 1500],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    [new Date(NOW - 30_000).toUTCString(), 0],
  ])('reads %j', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([[null], [undefined], [''], ['soon'], ['-5']])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
