import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/proxy/store/recent-ids.js';

describe('RecentIds', () => {
  it('tells a repeated id, and forgets the oldest past its capacity', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c', 'a'].map((id) => ids.add(id))).toEqual([true, true, true, false]);
    expect(ids.add('d')).toBe(true); // evicts a
    expect(ids.size).toBe(3);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('c')).toBe(false);
  });

  it('forgets a deleted id, so a resend after a failed write is taken', () => {
    const ids = new RecentIds(3);
    ids.add('a');
    ids.delete('a');
    expect(ids.add('a')).toBe(true);
    expect(ids.size).toBe(1);
  });

  it('stays bounded and O(1) when evicting for a long time', () => {
    // Evicting through a Set's first value slows down as evictions pile up (V8 keeps the
    // deleted entries as holes); a million adds past a capacity of 100,000 must stay fast.
    const ids = new RecentIds(100_000);
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) ids.add(`event-${i}`);
    expect(ids.size).toBe(100_000);
    expect(ids.add('event-999999')).toBe(false);
    expect(ids.add('event-0')).toBe(true);
    // Measured: well under a second here; the quadratic version took minutes.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
