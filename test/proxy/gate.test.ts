/**
 * LocalGate: one process's upstream gate (the RateBucket, the outbox's send log, a pause in
 * memory). The Redis gate, shared by instances, is tested against Redis in redis-gate.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LocalGate, WAITER_MS, WAITER_POLL_MS } from '../../src/proxy/upstream/gate.js';

function gate(limit: number) {
  const sends: number[] = [];
  const log = { noteSend: (at: number) => void sends.push(at), sendsSince: (since: number) => sends.filter((t) => t > since) };
  return { g: new LocalGate(log, { limit, timeoutMs: 1_000 }), sends };
}

describe('LocalGate', () => {
  it('hands out slots up to the limit, says when one frees, and notes each send when it begins', async () => {
    const { g, sends } = gate(2);
    const a = g.take(3, 0);
    expect(a.slots).toHaveLength(2);
    expect(a.waitMs).toBe(Infinity); // both in flight: only a completion can free one
    await g.begin(a.slots[0], 5);
    g.complete(a.slots[0], 100);
    g.release(a.slots[1]); // never sent: free again at once, and not noted
    expect(sends).toEqual([5]);
    const b = g.take(2, 200);
    expect(b.slots).toHaveLength(1);
    expect(b.waitMs).toBe(100 + 10_250 - 200);
  });

  it('learns the sends of a previous run, each counted as taking the whole timeout', async () => {
    const { g, sends } = gate(2);
    sends.push(9_000, 9_500);
    await g.start(10_000);
    expect(g.take(1, 10_000).slots).toEqual([]);
    expect(g.take(1, 9_000 + 1_000 + 10_250).slots).toHaveLength(1);
  });

  it('pauses until a time, only ever longer, and says when the reason is new', () => {
    const { g } = gate(5);
    expect(g.pause({ reason: 'backing-off', until: 1_000 }, 0)).toBe(true);
    expect(g.pause({ reason: 'backing-off', until: 2_000 }, 10)).toBe(false); // longer, same reason
    expect(g.pause({ reason: 'daily-limit', until: 1_500 }, 20)).toBe(false); // shorter: nothing changes
    expect(g.paused(30)).toEqual({ reason: 'backing-off', until: 2_000 });
    const held = g.take(1, 30);
    expect(held).toMatchObject({ slots: [], waitMs: 1_970, pause: { reason: 'backing-off' } });
    expect(g.pause({ reason: 'daily-limit', until: 5_000 }, 40)).toBe(true);
    expect(g.paused(5_000)).toBeUndefined();
    expect(g.take(1, 5_000).slots).toHaveLength(1);
  });

  it('leaves the next free slot to a named waiter, until it takes it or stops asking', () => {
    const { g } = gate(2);
    const events = g.take(2, 0).slots; // full
    expect(g.take(1, 10, 'object-call').slots).toEqual([]);
    for (const slot of events) g.release(slot); // two free
    const forwarder = g.take(2, 20);
    expect(forwarder.slots).toHaveLength(1); // the other is left to the waiter
    expect(forwarder.waitMs).toBe(WAITER_POLL_MS);
    const call = g.take(1, 30, 'object-call');
    expect(call.slots).toHaveLength(1); // full again
    // A waiter that stops asking keeps a freed slot only WAITER_MS.
    expect(g.take(1, 40, 'gone').slots).toEqual([]);
    g.release(call.slots[0]);
    expect(g.take(1, 50).slots).toEqual([]);
    expect(g.take(1, 40 + WAITER_MS).slots).toHaveLength(1);
  });
});
