/**
 * Recovery by a new page view: what it takes from storage, what it leaves to live pages, and
 * that two page views never both take one event. Storage and Web Locks are stand-ins, on fake
 * timers; the real thing runs in Chromium (e2e/recovery.spec.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { attentionSpan } from '../../src/tracker/attention-span.js';
import type { Run } from '../../src/tracker/played-ranges.js';
import { ANSWER_WAIT, PING, recover, whole } from '../../src/tracker/recovery.js';
import type { Kept } from '../../src/tracker/store.js';
import type { Item } from '../../src/tracker/transport.js';
import type { WireEvent } from '../../src/wire.js';
import { fakeStorage, type FakeStorage } from './fake-storage.js';

const event = (id: string) => ({ type: 'attention-span', id, sessionId: 's', occurredTimestamp: 1, mediaType: 'VIDEO' }) as WireEvent;
const put = (s: FakeStorage, id: string, t: number, n = 0) => (s[`media-bridge:${id}`] = JSON.stringify({ e: event(id), n, t }));
const read = (s: FakeStorage, id: string): Kept => JSON.parse(s[`media-bridge:${id}`]);
/** As the page tracker's guard: swallows what is thrown (and here records it). */
let errors: unknown[];
const guard = (fn: () => void) => () => {
  try {
    fn();
  } catch (e) {
    errors.push(e);
  }
};

let storage: FakeStorage;
let dispatched: StorageEvent[];
/** The Web Lock stand-in: one holder at a time, in request order. */
let lockQueue: Promise<unknown>;

beforeEach(() => {
  // performance.now() too: this document begins when the test does.
  vi.useFakeTimers({ toFake: ['setTimeout', 'Date', 'performance'] });
  vi.setSystemTime(1_764_000_000_000);
  storage = fakeStorage();
  errors = [];
  lockQueue = Promise.resolve();
  vi.stubGlobal('localStorage', storage);
  // The ping dispatched in this document, for its other trackers.
  dispatched = [];
  vi.stubGlobal('StorageEvent', class extends Event {
    key: string;
    constructor(type: string, init: { key: string }) {
      super(type);
      this.key = init.key;
    }
  });
  vi.stubGlobal('dispatchEvent', (e: StorageEvent) => dispatched.push(e));
  vi.stubGlobal('navigator', {
    locks: {
      request: vi.fn((_name: string, fn: () => unknown) => (lockQueue = lockQueue.then(fn))),
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function start(may = () => true, since = Date.now()) {
  const sent: Item[][] = [];
  recover(since, may, (items) => sent.push(items), guard);
  return sent;
}

describe('recover', () => {
  it('pings, waits for live pages to answer, then takes what dead pages left, writing it again first', async () => {
    put(storage, 'a', Date.now() - 60_000, 1);
    const sent = start();
    expect(Number(storage[PING])).toBe(Date.now());
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[expect.objectContaining({ e: event('a'), n: 1 })]]);
    // Written again as it is taken, so that no other page view takes it too.
    expect(read(storage, 'a').t).toBe(Date.now());
  });

  it('leaves the events of pages that answered the ping, and of pages that started after it', async () => {
    put(storage, 'dead', Date.now() - 1);
    const sent = start();
    // A live tab rewrites what it holds on the ping's storage event; another starts after it.
    await vi.advanceTimersByTimeAsync(200);
    put(storage, 'live', Date.now());
    put(storage, 'newer', Date.now());
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['dead']);
  });

  it("pings with the time its page started, so that what the page kept before recovery ran is never taken", async () => {
    const started = Date.now();
    put(storage, 'dead', started - 1);
    // Recovery is deferred: this page began a session and kept it before recovery ran.
    await vi.advanceTimersByTimeAsync(1500);
    put(storage, 'mine', Date.now() - 1000);
    const sent = start(undefined, started);
    expect(Number(storage[PING])).toBe(started);
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['dead']);
    expect(read(storage, 'mine').t).toBe(started + 500);
  });

  it('takes one event once when two page views recover at the same time', async () => {
    put(storage, 'a', Date.now() - 60_000);
    put(storage, 'b', Date.now() - 60_000);
    const first = start();
    const second = start();
    // The first holds the lock a while after taking, for its writes to reach the other tab.
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(second).toEqual([]);
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(first.flat().map((k) => k.e.id).sort()).toEqual(['a', 'b']);
    expect(second).toEqual([[]]);
  });

  it("takes the events a page kept together for a request, writes each again on its own, then drops the request's key", async () => {
    const t = Date.now() - 60_000;
    storage['media-bridge:x+'] = JSON.stringify([{ e: event('x'), n: 1, t }, { e: event('y'), n: 2, t }]);
    put(storage, 'z', t);
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => [k.e.id, k.n])).toEqual([['x', 1], ['y', 2], ['z', 0]]);
    expect(Object.keys(storage.items).sort()).toEqual(['media-bridge', 'media-bridge:x', 'media-bridge:y', 'media-bridge:z']);
    expect(read(storage, 'y')).toEqual({ e: event('y'), n: 2, t: Date.now() });
  });

  it("leaves a request's key whole while its events cannot all be written again (storage at its cap), and sends only those that were", async () => {
    const t = Date.now() - 60_000;
    // 99 events of a live page (written after the ping), then a dead page's request of two.
    for (let i = 0; i < 99; i++) put(storage, `live-${i}`, Date.now() + 1);
    const record = JSON.stringify([{ e: event('x'), n: 1, t }, { e: event('y'), n: 1, t }]);
    storage['media-bridge:x+'] = record;
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    // Nothing more can be written: both stay in the request's record for a later page view.
    expect(sent).toEqual([[]]);
    expect(storage['media-bridge:x+']).toBe(record);
  });

  it('leaves everything in storage for a later page view while the visitor has not consented', async () => {
    put(storage, 'a', Date.now() - 60_000);
    const sent = start(() => false);
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent).toEqual([]);
    expect(read(storage, 'a').t).toBe(Date.now() - 60_000 - ANSWER_WAIT);
  });

  it('skips what it cannot read, and works without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    storage['media-bridge:broken'] = '{not json';
    put(storage, 'a', Date.now() - 60_000);
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['a']);
    expect(errors).toEqual([]);
  });

  it('takes the events anyway when the lock is refused (a sandboxed frame), and throws nothing', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('no', 'SecurityError')) } });
    put(storage, 'a', Date.now() - 60_000);
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['a']);
  });

  it('does nothing without storage, and what fails stays in the guard', async () => {
    vi.stubGlobal('localStorage', undefined);
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

/** A live session's record as the page tracker writes it: the span's event without the span, its runs and duration. */
const live = (id: string, runs: Run[] | string, duration?: number): Kept => ({ e: event(id), n: 0, r: runs, d: duration });
/** Runs as Prototype.js 1.6's `Array#toJSON` writes them, which JSON.stringify then writes as a string. */
const prototypeJson = (runs: Run[]) => `[${runs.map((run) => `[${run.join(', ')}]`).join(', ')}]`;

describe("a live session's record (its runs and duration, not its span)", () => {
  it('is sent as the attention span its page would have computed, and written again as that event', async () => {
    const runs: Run[] = [[0, 30.02], [10, 20.1]];
    storage['media-bridge:a'] = JSON.stringify({ ...live('a', runs, 60), t: Date.now() - 60_000 });
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    const span = attentionSpan(runs, 60)!;
    expect(span.derivedValues).toEqual({ totalPercentPlayed: 50, totalSecondsPlayed: 30 });
    expect(sent.flat().map((k) => k.e)).toEqual([{ ...event('a'), ...span }]);
    expect(read(storage, 'a').e).toEqual({ ...event('a'), ...span });
  });

  it('reads the runs that a page with Prototype.js 1.6 wrote as a string of JSON', async () => {
    const runs: Run[] = [[0, 4.3], [2, 3]];
    storage['media-bridge:a'] = JSON.stringify({ ...live('a', prototypeJson(runs), 4.3), t: Date.now() - 60_000 });
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e)).toEqual([{ ...event('a'), ...attentionSpan(runs, 4.3) }]);
  });

  it('is dropped, and nothing sent, when its session played nothing to say, or its duration was never known', async () => {
    const old = Date.now() - 60_000;
    storage['media-bridge:short'] = JSON.stringify({ ...live('short', [[0, 0.3]], 60), t: old });
    storage['media-bridge:unknown'] = JSON.stringify({ ...live('unknown', [[0, 20]]), t: old });
    storage['media-bridge:stream'] = JSON.stringify({ ...live('stream', [[0, 20]], Infinity), t: old });
    put(storage, 'b', old);
    const sent = start();
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['b']);
    expect(Object.keys(storage.items)).toEqual(['media-bridge:b', PING]);
  });

  it('is made whole to the span of its runs, whatever they are, and again to the same one (fast-check)', () => {
    const run = fc.tuple(fc.double({ min: 0, max: 4000, noNaN: true }), fc.double({ min: 0, max: 4000, noNaN: true })).map(([a, b]): Run => (a < b ? [a, b] : [b, a]));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 12 }), fc.double({ min: 0.05, max: 4000, noNaN: true }), fc.boolean(), (runs, duration, prototype) => {
        const kept = JSON.parse(JSON.stringify(live('a', prototype ? prototypeJson(runs) : runs, duration))) as Kept;
        const span = attentionSpan(runs, duration);
        expect(!!whole(kept)).toBe(!!span);
        if (!span) return;
        expect(kept.e).toEqual({ ...event('a'), ...span });
        // Kept with its runs, in a request's record, and taken again by a later page view.
        const again = JSON.parse(JSON.stringify(kept)) as Kept;
        expect(whole(again)).toBeTruthy();
        expect(again.e).toEqual(kept.e);
      }),
      { numRuns: 2000 },
    );
  });
});
