/**
 * The transport and its resend queue, against a stand-in `localStorage`, `fetch` and
 * `sendBeacon`, on fake timers: what goes out, by which route, what is kept, and when it
 * goes out again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAGE_HAZARDS } from '../../e2e/page-hazards.js';
import { MAX_KEPT } from '../../src/tracker/resend.js';
import type { Kept } from '../../src/tracker/store.js';
import { batches, createTransport, MOMENT, type Item } from '../../src/tracker/transport.js';
import type { WireEvent } from '../../src/wire.js';
import { fakeStorage, type FakeStorage } from './fake-storage.js';

const event = (i: number | string, extra: Partial<WireEvent> = {}) =>
  ({
    type: 'media-played',
    id: `id-${i}`,
    mediaType: 'VIDEO',
    occurredTimestamp: Date.now(),
    sessionId: 's',
    state: 'STARTED',
    ...extra,
  }) as WireEvent;

const item = (e: WireEvent, n = 0): Item => ({ e, n });

/** An answer of the stand-in proxy: a status (with its Retry-After), or a network failure. */
type Answer = number | { status: number; retryAfter?: string } | 'network';

function setup({ beacon = true, online = true, quota = Infinity } = {}) {
  const storage = fakeStorage(quota);
  const answers: Answer[] = [];
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => {
    const a = answers.shift() ?? 202;
    if (a == 'network') throw new TypeError('Failed to fetch');
    const { status, retryAfter } = typeof a == 'number' ? { status: a, retryAfter: undefined } : a;
    return new Response('{}', { status, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
  });
  const sendBeacon = vi.fn((_url: string, _body: string) => beacon);
  const nav = { sendBeacon, onLine: online };
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('fetch', fetch);
  vi.stubGlobal('navigator', nav);
  const logs: unknown[][] = [];
  const guard = <A extends unknown[]>(fn: (...args: A) => void) => fn;
  const t = createTransport('/media-events', (...args) => logs.push(args), guard);
  const ids = (body: unknown) => JSON.parse(body as string).events.map((e: WireEvent) => e.id);
  return {
    t,
    storage,
    answers,
    fetch,
    sendBeacon,
    nav,
    logs,
    /** The event ids of each fetch, in order. */
    fetched: () => fetch.mock.calls.map((c) => ids(c[1].body)),
    /** The event ids of each beacon, in order. */
    beaconed: () => sendBeacon.mock.calls.map((c) => ids(c[1])),
    /** What storage holds, by event id: kept on its own, or with its request's events. */
    kept: (s: FakeStorage = storage) =>
      Object.fromEntries(
        Object.entries(s.items)
          .filter(([k]) => k.startsWith('media-bridge:'))
          .flatMap(([, v]) => ([] as Kept[]).concat(JSON.parse(v)))
          .map((k) => [k.e.id, k]),
      ),
    /** The storage keys the transport holds, by what they hold: `one` event, or a request's (`batch`). */
    keys: (s: FakeStorage = storage) =>
      Object.entries(s.items)
        .filter(([k]) => k.startsWith('media-bridge:'))
        .map(([k, v]) => (Array.isArray(JSON.parse(v)) ? 'batch ' : 'one ') + k.slice(13)),
  };
}

/** What recovery does with events an earlier page view kept: queues them as they are. */
const post = (s: ReturnType<typeof setup>, items: Item[]) => items.forEach(s.t._add);

/** Lets answers arrive and timers run, `ms` of fake time. */
const wait = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/** Lets the moment's events go out: the first event of a moment waits MOMENT ms for the others. */
const moment = () => wait(MOMENT);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(1_764_000_000_000);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('batches', () => {
  const bodies = (items: Item[]) => {
    const out: { body: string; items: Item[] }[] = [];
    batches(items, (body, batch) => out.push({ body, items: batch }));
    return out;
  };

  it('puts the events of a moment in one body of the wire format, with the items it carries', () => {
    const items = [item(event(1)), item(event(2))];
    const out = bodies(items);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0].body)).toEqual({ events: [event(1), event(2)] });
    expect(out[0].items).toEqual(items);
  });

  it('sends nothing for no events', () => {
    expect(bodies([])).toEqual([]);
  });

  it('carries at most 50 events a request', () => {
    const out = bodies(Array.from({ length: 120 }, (_, i) => item(event(i))));
    expect(out.map((b) => JSON.parse(b.body).events.length)).toEqual([50, 50, 20]);
    expect(out.map((b) => b.items.length)).toEqual([50, 50, 20]);
  });

  it('keeps each request under 60 KiB, even of multi-byte text, and loses nothing', () => {
    const events = Array.from({ length: 30 }, (_, i) => event(i, { pageName: 'é€'.repeat(1500) }));
    const out = bodies(events.map((e) => item(e)));
    expect(out.length).toBeGreaterThan(1);
    for (const b of out) expect(new Blob([b.body]).size).toBeLessThan(60 * 1024);
    expect(out.flatMap((b) => JSON.parse(b.body).events)).toEqual(events);
  });
});

describe('sending while the page is open', () => {
  it('sends the events of one moment in one keepalive fetch, as text/plain, and reads the answer', async () => {
    const s = setup();
    s.t._add(item(event(1)));
    s.t._add(item(event(2)));
    await wait(MOMENT - 1);
    expect(s.fetch).not.toHaveBeenCalled();
    await wait(1);
    expect(s.fetch).toHaveBeenCalledTimes(1);
    const [url, init] = s.fetch.mock.calls[0];
    expect(url).toBe('/media-events');
    // A string body: the browser sends it as text/plain;charset=UTF-8, so no CORS preflight.
    expect(init).toMatchObject({ method: 'POST', keepalive: true });
    expect(typeof init.body).toBe('string');
    expect(s.sendBeacon).not.toHaveBeenCalled();
    // Kept until the proxy took them, then dropped.
    expect(s.kept()).toEqual({});
  });

  it('writes each event to storage before it goes, so a page that dies mid-request leaves it for the next view', async () => {
    const s = setup();
    s.fetch.mockImplementationOnce(() => new Promise(() => {})); // never answered
    const e = event(1);
    s.t._add(item(e));
    await moment();
    expect(s.kept()).toEqual({ 'id-1': { e, n: 1, t: Date.now() } });
    expect(s.keys()).toEqual(['batch id-1+']);
  });

  it("writes a request's events together, in one write under one key, then drops their copies kept on their own, and the key when the proxy takes them", async () => {
    const s = setup();
    let answer!: (r: Response) => void;
    s.fetch.mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)));
    const writes = vi.spyOn(s.storage, 'setItem');
    const set = vi.fn();
    const proxied = new Proxy(s.storage, { set: (target, key, value) => (set(key), Reflect.set(target, key, value)) });
    vi.stubGlobal('localStorage', proxied);
    // An event already kept on its own (an ended session's attention span), and 19 new ones.
    s.storage['media-bridge:id-0'] = JSON.stringify({ e: event(0), n: 0, t: 1 });
    set.mockClear();
    for (let i = 0; i < 20; i++) s.t._add(item(event(i)));
    await moment();
    expect(set.mock.calls.length + writes.mock.calls.length).toBe(1);
    expect(s.keys()).toEqual(['batch id-0+']);
    answer(new Response('{}', { status: 202 }));
    await wait();
    expect(s.keys()).toEqual([]);
  });

  it('leaves the copies kept on their own where the request could not be written (storage full)', async () => {
    const s = setup();
    s.fetch.mockImplementationOnce(() => new Promise(() => {})); // never answered
    const kept = JSON.stringify({ e: event(0), n: 0, t: 1 });
    s.storage['media-bridge:id-0'] = kept;
    s.storage.quota = kept.length + 20;
    for (let i = 0; i < 3; i++) s.t._add(item(event(i)));
    await moment();
    expect(s.fetched()).toEqual([['id-0', 'id-1', 'id-2']]);
    expect(s.keys()).toEqual(['one id-0']);
  });

  it("keeps the events of a failed request on their own, for the probe, and drops the request's key", async () => {
    const s = setup();
    s.answers.push(503);
    for (let i = 0; i < 3; i++) s.t._add(item(event(i)));
    await moment();
    expect(s.keys()).toEqual(['one id-0', 'one id-1', 'one id-2']);
    expect(s.kept()['id-2']).toMatchObject({ n: 1 });
  });

  for (const [answer, why] of [
    [503, 'the proxy could not store them'],
    [500, 'a 5xx'],
    [429, 'too many requests'],
    ['network', 'the network failed'],
  ] as const)
    it(`keeps the events when ${why} (${answer}), and sends them again after a backoff`, async () => {
      const s = setup();
      s.answers.push(answer);
      s.t._add(item(event(1)));
      await moment();
      expect(s.kept()['id-1']).toMatchObject({ n: 1 });
      // The first wait is 1.5 to 3 s.
      await wait(1499);
      expect(s.fetched()).toEqual([['id-1']]);
      await wait(1501);
      expect(s.fetched()).toEqual([['id-1'], ['id-1']]);
      expect(s.kept()).toEqual({});
    });

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const s = setup();
    s.answers.push({ status: 503, retryAfter: '20' });
    s.t._add(item(event(1)));
    await moment();
    await wait(19_999);
    expect(s.fetch).toHaveBeenCalledTimes(1);
    await wait(1);
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });

  for (const status of [400, 403, 404, 413, 415])
    it(`drops the events on a ${status}: they are bad, and never loop`, async () => {
      const s = setup();
      s.answers.push(status);
      const e = event(1);
      s.t._add(item(e));
      await wait(3_600_000);
      expect(s.fetch).toHaveBeenCalledTimes(1);
      expect(s.kept()).toEqual({});
      // Debug mode says why.
      expect(s.logs).toContainEqual(['dropped', status, [expect.objectContaining({ e })]]);
    });

  it('backs off longer at each failed round, up to 5 minutes', async () => {
    const s = setup();
    s.answers.push(...Array<Answer>(8).fill(503));
    // Enough events that each probe can be a different one.
    for (let i = 0; i < 6; i++) s.t._add(item(event(i)));
    await moment();
    const at: number[] = [];
    s.fetch.mockImplementation(async () => {
      at.push(Date.now());
      return new Response('{}', { status: 503 });
    });
    await wait(30 * 60_000);
    const gaps = at.map((t, i) => t - (i ? at[i - 1] : 0)).slice(1);
    // 6-12 s, 24-48 s, 96-192 s, then 150-300 s each.
    expect(gaps[0]).toBeGreaterThanOrEqual(6_000);
    expect(gaps[0]).toBeLessThanOrEqual(12_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(24_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(96_000);
    for (const g of gaps.slice(3)) {
      expect(g).toBeGreaterThanOrEqual(150_000);
      expect(g).toBeLessThanOrEqual(300_000);
    }
  });

  it('probes with one held event at a time; once it is taken, all the others follow in one request', async () => {
    const s = setup();
    s.answers.push(503, 503);
    s.t._add(item(event(1)));
    s.t._add(item(event(2)));
    s.t._add(item(event(3)));
    await moment();
    await wait(3000); // the first probe, refused
    expect(s.fetched()).toEqual([['id-1', 'id-2', 'id-3'], ['id-1']]);
    await wait(12_000); // the second probe, taken: the rest follow
    expect(s.fetched()).toEqual([['id-1', 'id-2', 'id-3'], ['id-1'], ['id-2'], ['id-3', 'id-1']]);
    expect(s.kept()).toEqual({});
  });

  it('holds the events of a page that backs off without sending them, so they spend none of their sends', async () => {
    const s = setup();
    s.answers.push(503);
    s.t._add(item(event(1)));
    await moment();
    s.t._add(item(event(2)));
    await moment();
    expect(s.fetched()).toEqual([['id-1']]);
    expect(s.kept()['id-2']).toMatchObject({ n: 0 });
    await wait(3000);
    expect(s.fetched()).toEqual([['id-1'], ['id-1'], ['id-2']]);
  });

  it('sends no event more than three times', async () => {
    const s = setup();
    s.answers.push(...Array<Answer>(10).fill(503));
    s.t._add(item(event(1)));
    await wait(60 * 60_000);
    expect(s.fetched()).toEqual([['id-1'], ['id-1'], ['id-1']]);
    expect(s.kept()).toEqual({});
  });

  it('counts sends across page views: an event kept after two sends goes once more', async () => {
    const s = setup();
    s.answers.push(503, 503);
    post(s, [item(event(1), 2)]);
    await wait(60 * 60_000);
    expect(s.fetched()).toEqual([['id-1']]);
    expect(s.kept()).toEqual({});
  });

  it('does not send an event older than 2 days (the proxy refuses a request holding one whole)', async () => {
    const s = setup();
    post(s, [item(event(1, { occurredTimestamp: Date.now() - 2 * 86_400_000 - 1 })), item(event(2))]);
    await moment();
    expect(s.fetched()).toEqual([['id-2']]);
  });
});

describe('offline', () => {
  it('keeps the events without sending them, and probes when the visitor is back online', async () => {
    const s = setup({ online: false });
    s.t._add(item(event(1)));
    s.t._add(item(event(2)));
    await wait(60_000);
    expect(s.fetch).not.toHaveBeenCalled();
    expect(Object.keys(s.kept())).toEqual(['id-1', 'id-2']);
    expect(s.kept()['id-1'].n).toBe(0);
    s.nav.onLine = true;
    s.t._retry();
    await wait();
    expect(s.fetched()).toEqual([['id-1'], ['id-2']]);
    expect(s.kept()).toEqual({});
  });
});

describe('as the page is hidden or left', () => {
  it('sends what is queued by sendBeacon at once, and only once', async () => {
    const s = setup();
    s.t._add(item(event(1)));
    s.t._flush();
    expect(s.beaconed()).toEqual([['id-1']]);
    await wait();
    expect(s.sendBeacon).toHaveBeenCalledTimes(1);
    expect(s.fetch).not.toHaveBeenCalled();
  });

  it('leaves what went by sendBeacon in storage, for a later page view to confirm', async () => {
    const s = setup();
    s.t._add(item(event(1)));
    s.t._flush();
    expect(s.kept()).toEqual({ 'id-1': expect.objectContaining({ n: 1 }) });
  });

  it('falls back to keepalive fetch when sendBeacon refuses or is missing', async () => {
    for (const beacon of [false, undefined]) {
      const s = setup({ beacon: false });
      if (beacon === undefined) (s.nav as { sendBeacon?: unknown }).sendBeacon = undefined;
      s.t._add(item(event(1)));
      s.t._flush();
      await wait();
      expect(s.fetched()).toEqual([['id-1']]);
      expect(s.kept()).toEqual({});
    }
  });

  it('beacons even when the browser says it is offline: Firefox says so of a closing tab', async () => {
    const s = setup({ online: false });
    s.t._add(item(event(1)));
    s.t._flush();
    expect(s.beaconed()).toEqual([['id-1']]);
    expect(s.kept()['id-1']).toMatchObject({ n: 1 });
  });

  it('does not beacon to a proxy it is backing off from: the events stay held, in storage', async () => {
    const s = setup();
    s.answers.push(503);
    s.t._add(item(event(1)));
    await moment();
    s.t._add(item(event(2)));
    s.t._flush();
    expect(s.sendBeacon).not.toHaveBeenCalled();
    expect(Object.keys(s.kept())).toEqual(['id-1', 'id-2']);
  });
});

describe('storage', () => {
  it('never throws on a full quota: the events go out and are held from memory', async () => {
    const s = setup({ quota: 0 });
    s.answers.push(503);
    s.t._add(item(event(1)));
    await moment();
    expect(s.kept()).toEqual({});
    await wait(3000);
    expect(s.fetched()).toEqual([['id-1'], ['id-1']]);
  });

  it('works with no storage at all', async () => {
    const s = setup();
    vi.stubGlobal('localStorage', undefined);
    Object.defineProperty(globalThis, 'localStorage', {
      get: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      configurable: true,
    });
    s.answers.push('network');
    s.t._add(item(event(1)));
    await moment();
    await wait(3000);
    expect(s.fetched()).toEqual([['id-1'], ['id-1']]);
  });

  it(`keeps at most ${MAX_KEPT} keys (events waiting, each on its own); more still go out from memory`, async () => {
    const s = setup({ online: false });
    for (let i = 0; i < MAX_KEPT + 20; i++) s.t._add(item(event(i)));
    await moment();
    expect(Object.keys(s.kept())).toHaveLength(MAX_KEPT);
    s.nav.onLine = true;
    s.t._retry();
    await wait();
    expect(s.fetched().flat()).toHaveLength(MAX_KEPT + 20);
  });

  it('rewrites its held events when asked (another page view pinged), with a fresh time', async () => {
    const s = setup();
    s.answers.push(503);
    s.t._add(item(event(1)));
    await moment();
    const before = s.kept()['id-1'].t!;
    await wait(500);
    s.t._touch();
    expect(s.kept()['id-1'].t).toBe(before + 500);
  });
});

describe('a page whose fetch gives no promise (e2e/page-hazards.ts)', () => {
  /** The transport behind one of the list's broken fetches, wrapping the stand-in's own. */
  const broken = (name: string, options?: Parameters<typeof setup>[0]) => {
    const s = setup(options);
    const page = { fetch: s.fetch as unknown };
    const [install, ...args] = PAGE_HAZARDS.find((h) => h.name == name)!.install!;
    install(page, ...args);
    vi.stubGlobal('fetch', page.fetch);
    return s;
  };
  const STUB = 'a fetch stub that returns undefined';
  const WRAPPER = 'a fetch wrapper that forgets to return';

  for (const name of [STUB, WRAPPER])
    it(`${name}: each batch goes by sendBeacon, and stays kept for a later page view`, async () => {
      const s = broken(name);
      // Three requests' worth: a batch that failed must not keep the next ones from going.
      for (let i = 0; i < 120; i++) s.t._add(item(event(i)));
      await moment();
      expect(s.beaconed().map((ids) => ids.length)).toEqual([50, 50, 20]);
      // Each request's events under one key: all 120 kept, in three writes.
      expect(s.keys()).toEqual(['batch id-0+', 'batch id-50+', 'batch id-100+']);
      expect(Object.keys(s.kept())).toHaveLength(120);
      expect(s.kept()['id-0']).toMatchObject({ n: 1 });
      // No answer is awaited, so nothing is held for a probe: nothing more goes out.
      await wait(60 * 60_000);
      expect(s.sendBeacon).toHaveBeenCalledTimes(3);
      // The wrapper still sent the requests through the stand-in's fetch; the proxy drops the copies.
      expect(s.fetched()).toEqual(name == WRAPPER ? s.beaconed() : []);
    });

  it('a fetch that throws, or is missing, is no answer either', async () => {
    const throws = () => {
      throw new TypeError('Illegal invocation');
    };
    for (const fetch of [undefined, throws]) {
      const s = setup();
      vi.stubGlobal('fetch', fetch);
      s.t._add(item(event(1)));
      await moment();
      expect(s.beaconed()).toEqual([['id-1']]);
      expect(s.kept()['id-1']).toMatchObject({ n: 1 });
    }
  });

  it('as the page goes, with sendBeacon refusing: tried once a batch, and the events stay kept', async () => {
    const s = broken(STUB, { beacon: false });
    s.t._add(item(event(1)));
    s.t._flush();
    await wait();
    expect(s.beaconed()).toEqual([['id-1']]);
    expect(s.kept()['id-1']).toMatchObject({ n: 1 });
  });
});
