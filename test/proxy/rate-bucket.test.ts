import { describe, expect, it } from 'vitest';
import { RateBucket } from '../../src/proxy/upstream/rate-bucket.js';
import { maxInWindow, seeded } from './fake-hubspot.js';

describe('RateBucket', () => {
  it('lets a burst of `limit` through, then nothing until a window after completion', () => {
    const b = new RateBucket({ limit: 3, windowMs: 10_000, marginMs: 0 });
    for (let i = 0; i < 3; i++) expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.nextFreeAt(0)).toBe(Infinity); // only a completion can free a token
    b.complete(500);
    b.complete(700);
    expect(b.available(10_499)).toBe(0);
    expect(b.nextFreeAt(10_000)).toBe(10_500);
    expect(b.available(10_500)).toBe(1);
    expect(b.available(10_700)).toBe(2);
  });

  it('never lets HubSpot count more than `limit` in any window, whatever the delays (random schedule)', () => {
    const limit = 20;
    const random = seeded(7);
    const b = new RateBucket({ limit, windowMs: 10_000, marginMs: 0 });
    const arrivals: number[] = [];
    const inFlight: Array<{ arrive: number; done: number }> = [];
    let sent = 0;
    for (let now = 0; now < 120_000; now += 5) {
      // Complete what is due.
      for (let i = inFlight.length - 1; i >= 0; i--) {
        if (inFlight[i].done <= now) {
          arrivals.push(inFlight[i].arrive);
          b.complete(now);
          inFlight.splice(i, 1);
        }
      }
      // Try to send whenever a token is free; each request takes 10 ms to 3 s, and
      // arrives anywhere between its start and its answer.
      while (b.take(now)) {
        const latency = 10 + random() * 3000;
        inFlight.push({ arrive: now + random() * latency, done: now + latency });
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(limit * 10); // it did keep sending
    expect(maxInWindow(arrivals)).toBeLessThanOrEqual(limit);
  });

  it('drains at close to the full limit when requests are quick', () => {
    const b = new RateBucket({ limit: 90 });
    let sent = 0;
    for (let now = 0; now < 60_000; now += 10) {
      while (b.take(now)) {
        sent++;
        b.complete(now + 5);
      }
    }
    // Six windows (of 10.25 s with the default margin) in a minute.
    expect(sent).toBeGreaterThanOrEqual(90 * 5);
    expect(sent).toBeLessThanOrEqual(90 * 6);
  });

  it('after a restart, counts remembered requests as taking the whole timeout', () => {
    const b = new RateBucket({ limit: 4, windowMs: 10_000, marginMs: 0 });
    // The previous process started 3 requests at 0..2 s; it is now 5 s; the timeout is 10 s.
    b.restore([0, 1000, 2000], 10_000, 5_000);
    expect(b.available(5_000)).toBe(1);
    expect(b.available(19_999)).toBe(1);
    expect(b.available(20_000)).toBe(2);
    expect(b.available(22_000)).toBe(4);
  });

  it('treats remembered times in the future as now (a clock that stepped back)', () => {
    const b = new RateBucket({ limit: 2, windowMs: 1_000, marginMs: 0 });
    b.restore([50_000], 0, 1_000);
    expect(b.available(1_999)).toBe(1);
    expect(b.available(2_000)).toBe(2);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new RateBucket({ limit: 0 })).toThrow(RangeError);
    expect(() => new RateBucket({ limit: 1.5 })).toThrow(RangeError);
  });
});
