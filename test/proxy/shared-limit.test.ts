/**
 * SharedLimit: media-object calls take their slots from the forwarder's own gate (here a
 * LocalGate; the Redis gate is tested in redis-gate.test.ts), are written to its send log,
 * go before events for the next free slot, wait out its pauses and set them on a 429.
 */
import { describe, expect, it } from 'vitest';
import { LocalGate, type PauseReason } from '../../src/proxy/upstream/gate.js';
import { sharedLimit } from '../../src/proxy/upstream/shared-limit.js';
import { waitFor } from './fake-hubspot.js';

/** A slot comes back this long after its request completed (RateBucket's window and margin). */
const HOLD_MS = 10_250;

function setup(limit = 2) {
  let now = 1_000_000;
  const sends: number[] = [];
  const pauses: Array<[PauseReason, number]> = [];
  let kicks = 0;
  const gate = new LocalGate({ noteSend: (at) => void sends.push(at), sendsSince: () => [] }, { limit, timeoutMs: 1_000 });
  const shared = sharedLimit({
    gate,
    upstream: {
      restore: () => Promise.resolve(),
      pauseFor: async (reason, until) => {
        pauses.push([reason, until]);
        gate.pause({ reason, until }, now);
      },
      kick: () => void kicks++,
    },
    now: () => now,
    pollMs: 5,
  });
  return { shared, gate, sends, pauses, kicks: () => kicks, setNow: (t: number) => (now = t), now: () => now };
}

describe('sharedLimit', () => {
  it('takes a slot of the gate, notes the send, and gives the slot back when the call ends', async () => {
    const t = setup();
    const slot = await t.shared.acquire(new AbortController().signal);
    expect(t.gate.take(2, t.now()).slots).toHaveLength(1); // the other one
    expect(t.sends).toEqual([t.now()]);
    await t.shared.release(slot);
    expect(t.kicks()).toBeGreaterThanOrEqual(2);
  });

  it('waits, counted as waiting, until a slot comes back', async () => {
    const t = setup(1);
    await t.shared.release(await t.shared.acquire(new AbortController().signal)); // its slot returns a window after this
    let got = false;
    const second = t.shared.acquire(new AbortController().signal).then(() => (got = true));
    await waitFor(() => t.shared.waiting === 1);
    expect(got).toBe(false);
    t.setNow(t.now() + HOLD_MS);
    await second;
    expect(t.shared.waiting).toBe(0);
    expect(t.sends).toHaveLength(2);
  });

  it('goes before events: while it waits, the forwarder\'s takes leave it the next free slot', async () => {
    const t = setup(2);
    const events = t.gate.take(2, t.now()).slots;
    const waiting = t.shared.acquire(new AbortController().signal);
    await waitFor(() => t.shared.waiting === 1);
    for (const slot of events) t.gate.release(slot);
    // Two free now: the forwarder gets one, and is told to look again soon.
    const forwarder = t.gate.take(2, t.now());
    expect(forwarder.slots).toHaveLength(1);
    expect(forwarder.waitMs).toBeLessThan(100);
    await waiting;
    expect(t.gate.take(1, t.now()).slots).toEqual([]); // both in flight now
  });

  it('waits out a pause of the gate, and sets one on a 429', async () => {
    const t = setup();
    t.gate.pause({ reason: 'backing-off', until: t.now() + 30 }, t.now());
    let got = false;
    const waiting = t.shared.acquire(new AbortController().signal).then(() => (got = true));
    await waitFor(() => t.shared.waiting === 1);
    expect(got).toBe(false);
    t.setNow(t.now() + 30);
    await waiting;
    await t.shared.pause('rate_limited', t.now() + 5);
    await t.shared.pause('daily_limit', t.now() + 6);
    expect(t.pauses).toEqual([
      ['backing-off', t.now() + 5],
      ['daily-limit', t.now() + 6],
    ]);
    expect(t.gate.paused(t.now())).toEqual({ reason: 'daily-limit', until: t.now() + 6 });
  });

  it('stops waiting when aborted, taking nothing', async () => {
    const t = setup(1);
    await t.shared.acquire(new AbortController().signal);
    const abort = new AbortController();
    const waiting = t.shared.acquire(abort.signal);
    await waitFor(() => t.shared.waiting === 1);
    abort.abort(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    expect(t.shared.waiting).toBe(0);
    expect(t.sends).toHaveLength(1);
  });
});
