/**
 * The back/forward cache in real Chromium, against the drop-in (media.ts, `DROP_IN`, says
 * why not the ES module too). Playwright turns the cache off by default
 * (`--disable-back-forward-cache`); this file turns it back on, and checks that the page
 * really came back from it (`pageshow` with `persisted`).
 *
 * A page restored from the cache carries on: a quick trip carries on its session; a longer
 * one, in which the next page view recovered the session the frozen page could not defend,
 * plays on as a new session, unless what the next view took had nothing to say and was
 * dropped unsent. Either way no session is counted twice and none is lost.
 */
import type { Page } from '@playwright/test';
import type { WireEvent } from '../src/wire.js';
import { expect, pauseAt, test } from './fixtures.js';
import { actAt } from './in-page.js';
import { DROP_IN, media, steps } from './media.js';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
});

const INSTRUMENT_PAGESHOW = `<script>addEventListener('pageshow', (e) => (window.__shows = (window.__shows || []).concat(e.persisted)));</script>`;

/** Each session's steps, sessions in the order they first arrived. */
const bySession = (events: WireEvent[]) => {
  const out: Record<string, (string | number)[]> = {};
  for (const e of events) (out[e.sessionId] ||= []).push(...steps([e]));
  return Object.values(out);
};

/** Back to the page, restored from the cache: no load event, a `pageshow` that is `persisted`. */
async function back(page: Page) {
  await page.goBack({ waitUntil: 'commit' });
  // Restored (a persisted pageshow), or loaded anew: then say why Chromium did not restore it.
  await page.waitForFunction(() => (window as unknown as { __shows?: boolean[] }).__shows?.length);
  const why = await page.evaluate(() => {
    const shows = (window as unknown as { __shows: boolean[] }).__shows;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & { notRestoredReasons?: unknown };
    return shows.includes(true) ? 'restored' : JSON.stringify(nav.notRestoredReasons);
  });
  expect(why).toBe('restored');
}

/**
 * Waits until the page's own recovery is over (it runs 1 s after start and holds the Web
 * Lock briefly): Chromium evicts a cached page that holds a lock the next page asks for
 * (`weblocks-contention`), so a page left within about a second of loading is not cached.
 */
const recovered = (page: Page) =>
  expect
    .poll(() =>
      page.evaluate(async () => {
        const { held, pending } = await navigator.locks.query();
        // Past the 1 s wait and the 1 s hold, with room for a busy machine.
        return performance.now() > 3000 && !held!.length && !pending!.length;
      }),
    )
    .toBe(true);

/** Plays the 8 s video at 4x to past 3 s, and pauses it: 25% played. */
async function playAQuarter(page: Page) {
  await recovered(page);
  await page.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    v.playbackRate = 4;
    return v.play();
  });
  // Paused in the page: a round trip between the check and the pause could let it pass 4 s (50%).
  await pauseAt(page, 'v', 3);
}

async function playToEnd(page: Page) {
  await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).play());
  await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).ended);
}

// Against the drop-in only (media.ts, `DROP_IN`, says why).
for (const build of [DROP_IN]) {
  test.describe(`${build} build`, () => {
    test('a quick trip away and back carries on the session', async ({ page, track }) => {
      await track.open({ build, cacheable: true, head: INSTRUMENT_PAGESHOW, body: media('v', 'clip-8s.webm') });
      await playAQuarter(page);
      await track.events(2);
      // A page without the tracker: nothing recovers the session meanwhile.
      await page.goto(track.server.url + `/page?build=none&run=${track.run}`);
      await back(page);
      await playToEnd(page);
      await expect.poll(async () => steps(await track.stored()).filter((s) => s == 'attention-span').length).toBe(1);
      expect(bySession(await track.stored())).toEqual([['STARTED', 25, 50, 75, 100, 'attention-span']]);
    });

    test('a page recovered by the next view while in the cache plays on as a new session, counting nothing twice', async ({ page, track }) => {
      await track.open({ build, cacheable: true, head: INSTRUMENT_PAGESHOW, body: media('v', 'clip-8s.webm') });
      await playAQuarter(page);
      const [played] = await track.events(2);
      // A page with the tracker: its recovery takes the session the cached page cannot answer for.
      await page.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await expect.poll(async () => (await track.stored()).some((e) => e.id == played.sessionId)).toBe(true);
      await recovered(page);
      await back(page);
      await playToEnd(page);
      // 0 to 3 s of 8, then 3 s to the end: 25% in the first, 25 and 50% in the second.
      await expect
        .poll(async () => bySession(await track.stored()))
        .toEqual([
          ['STARTED', 25, 'attention-span'],
          ['STARTED', 25, 50, 'attention-span'],
        ]);
    });

    test('a session paused before half a span played, dropped unsent by the next view while in the cache, carries on', async ({ page, track }) => {
      await track.open({ build, cacheable: true, head: INSTRUMENT_PAGESHOW, body: media('v', 'clip-8s.webm') });
      await recovered(page);
      await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).play());
      // Paused in the page, well within the first span's half: a record with nothing to say.
      const at = await page.evaluate(actAt, ['v', 0.1, 'pause'] as [string, number, 'pause']);
      expect(at).toBeLessThan(0.4);
      const [played] = await track.events(1);
      const key = `media-bridge:${played.sessionId}`;
      // The pause kept it at once.
      await page.waitForFunction((key) => !!localStorage[key], key);
      // A page with the tracker: its recovery takes the record, has nothing to send, and drops it.
      await page.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await page.waitForFunction((key) => performance.now() > 2500 && localStorage[key] === undefined, key);
      await recovered(page);
      await back(page);
      await playToEnd(page);
      // One session: the second play carries on the first, with no second STARTED.
      await expect.poll(async () => steps(await track.stored()).filter((s) => s == 'attention-span').length).toBe(1);
      expect(bySession(await track.stored())).toEqual([['STARTED', 25, 50, 75, 100, 'attention-span']]);
      const span = (await track.stored()).find((e) => e.type == 'attention-span');
      expect(span).toMatchObject({ sessionId: played.sessionId, derivedValues: { totalPercentPlayed: 100 } });
    });
  });
}
