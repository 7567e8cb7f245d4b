/**
 * SharedLimit: media-object calls take their tokens from the forwarder's bucket, wait out
 * its pauses, are written to the send log, and say how many are waiting.
 */
import { describe, expect, it } from 'vitest';
import type { UpstreamState } from '../../src/proxy/upstream/forwarder.js';
import { RateBucket } from '../../src/proxy/upstream/rate-bucket.js';
import { sharedLimit } from '../../src/proxy/upstream/shared-limit.js';
import { waitFor } from './fake-hubspot.js';

function setup(limit = 2) {
  let now = 1_000_000;
  let state: UpstreamState = { state: 'ok' };
  const sends: number[] = [];
  const pauses: Array<[string, number]> = [];
  let kicks = 0;
  const bucket = new RateBucket({ limit, windowMs: 1_000, marginMs: 0 });
  const shared = sharedLimit({
    bucket,
    upstream: { state: () => state, pauseFor: (reason, until) => void pauses.push([reason, until]), kick: () => void kicks++ },
    noteSend: (at) => void sends.push(at),
    now: () => now,
    pollMs: 5,
  });
  return { shared, bucket, sends, pauses, kicks: () => kicks, setNow: (t: number) => (now = t), setState: (s: UpstreamState) => (state = s), now: () => now };
}

describe('sharedLimit', () => {
  it('takes a token from the bucket and notes the send', async () => {
    const t = setup();
    await t.shared.acquire(new AbortController().signal);
    expect(t.bucket.available(t.now())).toBe(1);
    expect(t.sends).toEqual([t.now()]);
    t.shared.release();
    expect(t.kicks()).toBeGreaterThanOrEqual(2);
  });

  it('waits, counted as waiting, until a token comes back', async () => {
    const t = setup(1);
    await t.shared.acquire(new AbortController().signal);
    t.shared.release(); // its token returns one window after this
    let got = false;
    const second = t.shared.acquire(new AbortController().signal).then(() => (got = true));
    await waitFor(() => t.shared.waiting === 1);
    expect(got).toBe(false);
    t.setNow(t.now() + 1_000);
    await second;
    expect(t.shared.waiting).toBe(0);
    expect(t.sends).toHaveLength(2);
  });

  it('waits out a pause of the forwarder, and sets one on a 429', async () => {
    const t = setup();
    t.setState({ state: 'backing-off', until: t.now() + 30 });
    let got = false;
    const waiting = t.shared.acquire(new AbortController().signal).then(() => (got = true));
    await waitFor(() => t.shared.waiting === 1);
    expect(got).toBe(false);
    t.setState({ state: 'ok' });
    await waiting;
    t.shared.pause('rate_limited', 5);
    t.shared.pause('daily_limit', 6);
    expect(t.pauses).toEqual([
      ['backing-off', 5],
      ['daily-limit', 6],
    ]);
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
