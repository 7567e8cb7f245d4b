/** The resend rules: which answers keep events, how long to back off, what may go out again. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoff, MAX_AGE, MAX_SENDS, resendable, sendable } from '../../src/tracker/resend.js';
import type { WireEvent } from '../../src/wire.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('resendable', () => {
  it('keeps the events of a request that got no answer, a 429 or a 5xx', () => {
    for (const status of [undefined, 0, 429, 500, 502, 503, 504, 599]) expect(resendable(status)).toBe(true);
  });

  it('settles those of a 2xx (taken) and of any other 4xx (refused for good)', () => {
    for (const status of [200, 202, 204, 400, 401, 403, 404, 405, 408, 413, 415, 422]) expect(resendable(status)).toBe(false);
  });
});

describe('backoff', () => {
  const at = (random: number, fails: number, retryAfter?: string | null) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    return backoff(fails, retryAfter);
  };

  it('waits 3 s, four times longer each round, with its upper half random', () => {
    expect([0, 1, 2, 3].map((f) => at(0, f))).toEqual([1500, 6000, 24000, 96000]);
    expect([0, 1, 2, 3].map((f) => at(0.999999, f)).map(Math.round)).toEqual([3000, 12000, 48000, 192000]);
  });

  it('waits at most 5 minutes', () => {
    expect(at(0.999999, 10)).toBeLessThanOrEqual(300_000);
    expect(at(0, 30)).toBe(150_000);
  });

  it('honours Retry-After in seconds when it is longer', () => {
    expect(at(0, 0, '20')).toBe(20_000);
    expect(at(0, 0, '1')).toBe(1500);
    expect(at(0, 0, '86400')).toBe(86_400_000);
  });

  it('ignores a Retry-After it cannot read (an HTTP date, garbage, none)', () => {
    for (const value of ['Wed, 21 Oct 2026 07:28:00 GMT', 'soon', '', null, undefined]) expect(at(0, 0, value)).toBe(1500);
  });
});

describe('sendable', () => {
  const now = 1_764_000_000_000;
  const e = (age: number) => ({ occurredTimestamp: now - age }) as WireEvent;

  it(`lets an event go out ${MAX_SENDS} times in all`, () => {
    expect([0, 1, 2, 3, 4].map((n) => sendable({ e: e(0), n }, now))).toEqual([true, true, true, false, false]);
  });

  it('drops an event older than 2 days, inside the 3 the proxy takes', () => {
    expect(MAX_AGE).toBe(2 * 86_400_000);
    expect(sendable({ e: e(MAX_AGE - 1), n: 0 }, now)).toBe(true);
    expect(sendable({ e: e(MAX_AGE), n: 0 }, now)).toBe(false);
  });
});
