/**
 * Recovery by a new page view: what it takes from storage, what it leaves to live pages, and
 * that two page views never both take one event. Storage and Web Locks are stand-ins, on fake
 * timers; the real thing runs in Chromium (e2e/recovery.spec.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANSWER_WAIT, LOCK_HOLD, PING, recover } from '../../src/tracker/recovery.js';
import type { Kept } from '../../src/tracker/store.js';
import type { Item } from '../../src/tracker/transport.js';
import type { WireEvent } from '../../src/wire.js';
import { fakeStorage, type FakeStorage } from './fake-storage.js';

const event = (id: string) => ({ type: 'attention-span', id, sessionId: 's', occurredTimestamp: 1, mediaType: 'VIDEO' }) as WireEvent;
const put = (s: FakeStorage, id: string, p: string, t: number, n = 0) => (s[`media-bridge:${id}`] = JSON.stringify({ e: event(id), n, p, t }));
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
/** The Web Lock stand-in: one holder at a time, in request order. */
let lockQueue: Promise<unknown>;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
  vi.setSystemTime(1_764_000_000_000);
  storage = fakeStorage();
  errors = [];
  lockQueue = Promise.resolve();
  vi.stubGlobal('localStorage', storage);
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

function start(page: string, may = () => true) {
  const sent: Item[][] = [];
  recover(page, may, (items) => sent.push(items), guard);
  return sent;
}

describe('recover', () => {
  it('pings, waits for live pages to answer, then takes what dead pages left, writing its own id first', async () => {
    put(storage, 'a', 'dead-page', Date.now() - 60_000, 1);
    const sent = start('me');
    expect(Number(storage[PING])).toBe(Date.now());
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[expect.objectContaining({ e: event('a'), n: 1, p: 'me' })]]);
    expect(read(storage, 'a').p).toBe('me');
  });

  it('leaves the events of pages that answered the ping, and of pages that started after it', async () => {
    put(storage, 'dead', 'old', Date.now() - 1);
    const sent = start('me');
    // A live tab rewrites what it holds on the ping's storage event; another starts after it.
    await vi.advanceTimersByTimeAsync(200);
    put(storage, 'live', 'other-tab', Date.now());
    put(storage, 'newer', 'new-tab', Date.now());
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['dead']);
    expect(read(storage, 'live').p).toBe('other-tab');
  });

  it("never takes its own document's events (another tracker of the page, which hears no storage event of it)", async () => {
    put(storage, 'mine', 'me', Date.now() - 60_000);
    const sent = start('me');
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent).toEqual([[]]);
  });

  it('takes one event once when two page views recover at the same time', async () => {
    put(storage, 'a', 'dead-page', Date.now() - 60_000);
    put(storage, 'b', 'dead-page', Date.now() - 60_000);
    const first = start('tab-1');
    const second = start('tab-2');
    // The first holds the lock a moment after taking, for its writes to reach the other tab.
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(second).toEqual([]);
    await vi.advanceTimersByTimeAsync(LOCK_HOLD);
    expect(first.flat().map((k) => k.e.id).sort()).toEqual(['a', 'b']);
    expect(second).toEqual([[]]);
  });

  it('leaves everything in storage for a later page view while the visitor has not consented', async () => {
    put(storage, 'a', 'dead-page', Date.now() - 60_000);
    const sent = start('me', () => false);
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent).toEqual([]);
    expect(read(storage, 'a').p).toBe('dead-page');
  });

  it('skips what it cannot read, and works without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    storage['media-bridge:broken'] = '{not json';
    put(storage, 'a', 'dead-page', Date.now() - 60_000);
    const sent = start('me');
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['a']);
    expect(errors).toEqual([]);
  });

  it('takes the events anyway when the lock is refused (a sandboxed frame), and throws nothing', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('no', 'SecurityError')) } });
    put(storage, 'a', 'dead-page', Date.now() - 60_000);
    const sent = start('me');
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent.flat().map((k) => k.e.id)).toEqual(['a']);
  });

  it('does nothing without storage, and what fails stays in the guard', async () => {
    vi.stubGlobal('localStorage', undefined);
    const sent = start('me');
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT);
    expect(sent).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
