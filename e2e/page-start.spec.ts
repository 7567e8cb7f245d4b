/**
 * The tracker's start, in real Chromium (issue 22): evaluating the drop-in touches no storage,
 * cookie, Web Lock or random source; recovery of what earlier page views left runs after the
 * page's load, and loses nothing a page closed early or a session begun first would hold.
 */
import type { Page } from '@playwright/test';
import type { AttentionSpanEvent, WireEvent } from '../src/wire.js';
import { expect, pauseAt, test, type Track } from './fixtures.js';
import { media, steps, VIEWING } from './media.js';
import { pagePath, type PageKnobs } from './pages.js';

/**
 * Records each touch of the browser's dear or stateful APIs, with the page's phase at the time:
 * `evaluating` from just before the tracker's tag to the first script after it.
 */
const WATCH_TOUCHES = `<script>
(() => {
  const w = window;
  w.__touches = [];
  w.__phase = 'head';
  const watch = (target, name, what) => {
    const d = Object.getOwnPropertyDescriptor(target, name);
    const wrap = (fn) => function (...args) {
      w.__touches.push({ what, phase: w.__phase, at: performance.now() });
      return fn.apply(this, args);
    };
    Object.defineProperty(target, name, {
      ...d,
      ...(d.get ? { get: wrap(d.get) } : {}),
      ...(d.set ? { set: wrap(d.set) } : {}),
      ...('value' in d ? { value: wrap(d.value) } : {}),
    });
  };
  watch(Object.getOwnPropertyDescriptor(w, 'localStorage') ? w : Window.prototype, 'localStorage', 'localStorage');
  watch(Object.getOwnPropertyDescriptor(w, 'sessionStorage') ? w : Window.prototype, 'sessionStorage', 'sessionStorage');
  watch(Document.prototype, 'cookie', 'cookie');
  watch(Navigator.prototype, 'locks', 'locks');
  watch(Crypto.prototype, 'randomUUID', 'randomUUID');
  watch(Crypto.prototype, 'getRandomValues', 'getRandomValues');
  addEventListener('load', () => (w.__loadedAt = performance.now()));
})();
</script>`;

interface Touch {
  what: string;
  phase: string;
  at: number;
}
const touches = (page: Page) =>
  page.evaluate(() => (window as unknown as { __touches: Touch[]; __loadedAt?: number }).__touches);
const loadedAt = (page: Page) => page.evaluate(() => (window as unknown as { __loadedAt?: number }).__loadedAt);

/** An event as an earlier page view left it in storage: sent once by sendBeacon, its answer never read. */
function leftBehind(run: string, origin: string): WireEvent {
  return {
    type: 'media-played',
    id: `left-${run}-${Math.random().toString(36).slice(2)}`,
    sessionId: `earlier-${run}`,
    occurredTimestamp: Date.now() - 60_000,
    state: 'STARTED',
    mediaType: 'VIDEO',
    externalId: 'earlier-page-view',
    mediaUrl: `${origin}/media/clip-4s.webm`,
    pageName: 'earlier',
    pageUrl: `${origin}/earlier?run=${run}`,
    externalPlayContext: 'EXTERNAL_PAGE',
  } as WireEvent;
}

/** Leaves `event` in the origin's storage as a page view that died a minute ago would. */
async function leaveInStorage(page: Page, track: Track, event: WireEvent) {
  await page.goto(track.server.url + pagePath({ build: 'none' }, track.run));
  await page.evaluate((e) => (localStorage[`media-bridge:${e.id}`] = JSON.stringify({ e, n: 1, t: Date.now() - 60_000 })), event);
}

/** What the proxy stored of the whole origin's events with this id. */
const storedIds = async (track: Track) => (await track.server.proxy!.recent(10_000)).map((r) => r.event.id);

test('evaluating the drop-in touches no storage, cookie, Web Lock or random source', async ({ page, track }) => {
  await track.open({
    placement: 'sync',
    head: `${WATCH_TOUCHES}<script>window.__phase = 'evaluating';</script>`,
    body: `<script>window.__phase = 'parsing';</script>${media('a', 'clip-4s.webm')}${media('b', 'tone-4s.wav')}`,
  });
  // It did attach: the video plays to a whole viewing.
  await track.play('a', 4);
  await track.media('a', 'ended');
  expect(steps(await track.events(6))).toEqual(VIEWING);
  const seen = await touches(page);
  expect(seen.filter((t) => t.phase == 'evaluating')).toEqual([]);
  // Storage was touched at all (recovery, the events kept): the watch works.
  expect(seen.map((t) => t.what)).toContain('localStorage');
});

test('recovery runs after load, with no media event, and sends what an earlier page view left', async ({ page, track }) => {
  const earlier = leftBehind(track.run, track.server.url);
  await leaveInStorage(page, track, earlier);
  await track.open({ head: WATCH_TOUCHES, body: media('v', 'clip-4s.webm') });
  await expect.poll(() => storedIds(track)).toContain(earlier.id);
  const first = (await touches(page)).find((t) => t.what == 'localStorage')!;
  expect(first.at).toBeGreaterThanOrEqual((await loadedAt(page))!);
  // Nothing played: recovery ran on its own, after load.
  expect(await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).played.length)).toBe(0);
});

test('a page closed within 100 ms of its load leaves what an earlier page view stored for the next one', async ({ page, context, track }) => {
  const earlier = leftBehind(track.run, track.server.url);
  await leaveInStorage(page, track, earlier);
  // Opened by script, so that it may close itself: 50 ms after its load.
  const closeSoon = `<script>addEventListener('load', () => setTimeout(() => close(), 50));</script>`;
  const opened = context.waitForEvent('page');
  await page.evaluate((url) => void window.open(url), pagePath({ head: closeSoon, body: media('v', 'clip-4s.webm') }, track.run));
  const early = await opened;
  await early.waitForEvent('close');
  const next = await context.newPage();
  await next.goto(track.server.url + pagePath({ body: media('v', 'clip-4s.webm') }, track.run));
  await expect.poll(() => storedIds(track)).toContain(earlier.id);
  // And once: what the early page did not take, the next one sent, and nothing twice.
  await next.waitForFunction((key) => localStorage[key] === undefined, `media-bridge:${earlier.id}`);
  expect(track.attempts().filter((a) => a.ids.includes(earlier.id)).length).toBe(1);
});

test('a session begun and kept before recovery ran is neither taken from its page nor sent twice', async ({ page, track }) => {
  // The page's load is held until the test lets it go, so that the session begins, and is kept
  // in storage, before the drop-in's recovery runs (it waits for load, and the session is a
  // second tracker's, so its events do not run it sooner).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/held-until-released.gif', async (route) => {
    await held;
    await route.fulfill({ status: 204 });
  });
  const knobs: PageKnobs = {
    // The drop-in starts first (it marks the page as recovered by it) and tracks audio only;
    // the video is startTracking's, in the page's bundle.
    opts: { selector: 'audio' },
    body: `${media('v', 'clip-8s.webm')}<img src="/held-until-released.gif" alt="">
<script type="module">
import { startTracking } from '/dist/index.js';
window.second = startTracking({ endpoint: '/media-events?run=${track.run}' });
</script>`,
  };
  await page.goto(track.server.url + pagePath(knobs, track.run), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!(window as unknown as { second?: unknown }).second);
  await track.play('v', 2);
  // Past 25% and paused, in the page: the session's attention span is in storage, written
  // before any recovery, and the session lives on.
  await pauseAt(page, 'v', 2.5);
  const [played] = await track.events(2);
  await page.waitForFunction((key) => !!localStorage[key], `media-bridge:${played.sessionId}`);
  expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
  expect(await page.evaluate(() => localStorage['media-bridge'])).toBeUndefined();
  release();
  // Recovery pings once the page has loaded, takes what it takes a second later, and holds
  // the Web Lock a second more.
  await page.waitForFunction(() => localStorage['media-bridge'] !== undefined);
  const pinged = await page.evaluate(() => performance.now());
  await expect
    .poll(() =>
      page.evaluate(async (t) => {
        const { held, pending } = await navigator.locks.query();
        return performance.now() > t + 1000 && !held!.length && !pending!.length;
      }, pinged),
    )
    .toBe(true);
  await track.play('v', 4);
  await track.media('v', 'ended');
  await expect.poll(async () => steps(await track.stored())).toEqual(VIEWING);
  const stored = await track.stored();
  expect(new Set(stored.map((e) => e.sessionId))).toEqual(new Set([played.sessionId]));
  const span = stored.find((e): e is AttentionSpanEvent => e.type == 'attention-span')!;
  expect(span.derivedValues!.totalPercentPlayed).toBe(100);
  // Sent once: recovery did not take it from the live page.
  expect(track.attempts().filter((a) => a.ids.includes(span.id)).length).toBe(1);
});

test("the page's first cookie read is made at idle after load, not by its first media event, and only as consent allows", async ({ page, track }) => {
  // Consent given (nothing asks for it): the deferred run reads what the first event would.
  await track.open({ head: WATCH_TOUCHES, body: media('v', 'clip-4s.webm') });
  await expect.poll(async () => (await touches(page)).filter((t) => t.what == 'cookie').length).toBeGreaterThan(0);
  const loaded = (await loadedAt(page))!;
  const [first] = (await touches(page)).filter((t) => t.what == 'cookie');
  expect(first.at).toBeGreaterThanOrEqual(loaded);
  // Nothing has played: the read came from the idle run, not from a media event.
  expect(await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).played.length)).toBe(0);
  await track.play('v', 4);
  await track.media('v', 'ended');
  expect(steps(await track.events(6))).toEqual(VIEWING);

  // Consent required and not given: the idle run (it pings storage) reads no cookie.
  await track.open({ head: WATCH_TOUCHES, opts: { consent: 'required' }, body: media('w', 'clip-4s.webm') });
  await expect.poll(async () => (await touches(page)).filter((t) => t.what == 'localStorage').length).toBeGreaterThan(0);
  await page.waitForFunction(() => localStorage['media-bridge'] !== undefined);
  expect((await touches(page)).filter((t) => t.what == 'cookie')).toEqual([]);
});
