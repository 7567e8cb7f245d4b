/**
 * The tracker loaded twice, in real Chromium: a CMS template and a tag manager both add the
 * script tag, or the tag runs beside `startTracking` in the site's bundle. Each element is
 * tracked by one tracker, whichever starts first: one viewing, one session.
 */
import { expect, test, type Track } from './fixtures.js';
import { media, steps, VIEWING } from './media.js';

const TAG = '<script defer src="/dist/media-bridge-tracker.min.js"></script>';
const SECOND_MODULE = `<script type="module">
import { startTracking } from '/dist/index.js';
window.second = startTracking({ endpoint: '/media-events' });
</script>`;

type Handles = { tracker: { stop(): void }; second: { session(el: Element): unknown } };

/** Plays the clip to its end, and resolves with what the proxy stored of the page. */
async function viewing(track: Track) {
  await track.play('v', 4);
  await track.media('v', 'ended');
  await expect.poll(async () => steps(await track.stored())).toEqual(VIEWING);
  return track.stored();
}

test('the script tag twice reports one session, and sends each event once', async ({ track }) => {
  await track.open({ build: 'iife', body: media('v', 'clip-1s.webm') + TAG });
  const stored = await viewing(track);
  expect(new Set(stored.map((e) => e.sessionId)).size).toBe(1);
  // Not merely dropped by the proxy as duplicates: only one tracker sent anything.
  expect(steps(await track.sent())).toEqual(VIEWING);
});

test('the script tag beside startTracking reports one session', async ({ page, track }) => {
  await track.open({ build: 'esm', head: TAG, body: media('v', 'clip-1s.webm') });
  await page.waitForFunction(() => !!(window as unknown as Handles).tracker);
  const stored = await viewing(track);
  expect(new Set(stored.map((e) => e.sessionId)).size).toBe(1);
  expect(steps(await track.sent())).toEqual(VIEWING);
});

test('a second startTracking() with the same endpoint tracks nothing twice', async ({ page, track }) => {
  await track.open({ build: 'esm', body: media('v', 'clip-1s.webm') + SECOND_MODULE });
  await page.waitForFunction(() => !!(window as unknown as Handles).second);
  await viewing(track);
  expect(steps(await track.sent())).toEqual(VIEWING);
  // The element is the first tracker's: the second has no session for it.
  expect(await page.evaluate(() => (window as unknown as Handles).second.session(document.getElementById('v')!))).toBeUndefined();
});

test('stop() on the first tracker lets a later one take over', async ({ page, track }) => {
  await track.open({ build: 'esm', body: media('v', 'clip-1s.webm') });
  await page.waitForFunction(() => !!(window as unknown as Handles).tracker);
  await page.evaluate(() => (window as unknown as Handles).tracker.stop());
  await page.evaluate(async () => {
    const { startTracking } = await import('/dist/index.js' as string);
    (window as unknown as { later: unknown }).later = startTracking({ endpoint: '/media-events' });
  });
  const stored = await viewing(track);
  expect(new Set(stored.map((e) => e.sessionId)).size).toBe(1);
});
