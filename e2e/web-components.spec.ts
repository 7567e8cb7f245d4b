/**
 * Players built as web components (issue 25), hand-written, in real Chromium against both
 * builds: media in open shadow roots are found, whenever their player is defined or added,
 * however deep; a player's inner video replaced is a new session; a removed player ends its
 * session; attributes on the player name its media; a closed root is left alone.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { BUILDS, media, steps, VIEWING } from './media.js';
import { actOnInner, innerState, player, PLAYERS, trackerStarted, wholePlayProblems } from './web-components.js';

/** Resolves once the media inside the player `id` exists, and `ready` says yes of its state. */
const inner = (page: Page, id: string, ready: (s: NonNullable<ReturnType<typeof innerState>>) => boolean = () => true) =>
  expect.poll(async () => {
    const state = await page.evaluate(innerState, [id] as [string]);
    return !!state && ready(state);
  }, { timeout: 30_000 }).toBe(true);
const playInner = (page: Page, id: string, rate = 4) => page.evaluate(actOnInner, [id, 'play', rate] as [string, 'play', number]);
const define = (name: string, options = {}) => `<script>__player('${name}', ${JSON.stringify(options)});</script>`;
const IDENTITY = 'data-media-id="webinar" data-media-name="The webinar"';

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('a player defined before the tracker starts: a whole play, named by its attributes', async ({ page, track }) => {
      await track.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-1s.webm', IDENTITY) });
      await inner(page, 'p');
      await playInner(page, 'p');
      const events = await track.events(6);
      expect(wholePlayProblems(events, { externalId: 'webinar', mediaName: 'The webinar' })).toEqual([]);
      expect(events[0].mediaUrl).toMatch(/\/media\/clip-1s\.webm$/);
    });

    test('a player defined a second after the tracker started', async ({ page, track }) => {
      await track.open({ build, head: PLAYERS, body: player('x-late', 'p', 'clip-1s.webm', IDENTITY) });
      await page.waitForFunction(trackerStarted);
      expect(await page.evaluate(innerState, ['p'] as [string])).toBeNull();
      await page.evaluate(() => setTimeout(() => (window as unknown as { __player(name: string): void }).__player('x-late'), 1000));
      await inner(page, 'p');
      await playInner(page, 'p');
      expect(wholePlayProblems(await track.events(6), { externalId: 'webinar', mediaName: 'The webinar' })).toEqual([]);
    });

    test('a video two shadow roots down, the outer player named by the page', async ({ page, track }) => {
      await track.open({
        build,
        head: PLAYERS + define('x-inner') + define('x-outer', { inner: 'x-inner' }),
        body: `<section data-media-type="OTHER">${player('x-outer', 'p', 'clip-1s.webm', IDENTITY)}</section>`,
      });
      await inner(page, 'p');
      await playInner(page, 'p');
      expect(wholePlayProblems(await track.events(6), { externalId: 'webinar', mediaName: 'The webinar', mediaType: 'OTHER' })).toEqual([]);
    });

    test('a player added by a script after load', async ({ page, track }) => {
      await track.open({ build, head: PLAYERS + define('x-player'), body: '<main></main>' });
      await page.waitForFunction(trackerStarted);
      await page.evaluate((html) => document.querySelector('main')!.insertAdjacentHTML('beforeend', html), player('x-player', 'p', 'clip-1s.webm', IDENTITY));
      await inner(page, 'p');
      await playInner(page, 'p');
      expect(wholePlayProblems(await track.events(6), { externalId: 'webinar' })).toEqual([]);
    });

    test("a player's inner video replaced after the first ended: two sessions, each naming its own media", async ({ page, track }) => {
      await track.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-1s.webm') });
      await inner(page, 'p');
      await playInner(page, 'p');
      const first = await track.events(6);
      await page.evaluate(actOnInner, ['p', 'replace', '/media/clip-4s.webm'] as [string, 'replace', string]);
      await inner(page, 'p', (s) => s.src.endsWith('clip-4s.webm'));
      await playInner(page, 'p');
      const second = (await track.events(12)).slice(6);
      expect(wholePlayProblems(first, { mediaUrl: `${track.server.url}/media/clip-1s.webm`, externalId: `${track.server.url}/media/clip-1s.webm` })).toEqual([]);
      expect(wholePlayProblems(second, { mediaUrl: `${track.server.url}/media/clip-4s.webm`, externalId: `${track.server.url}/media/clip-4s.webm` })).toEqual([]);
      expect(second[0].sessionId).not.toBe(first[0].sessionId);
    });

    test('a player removed mid-play ends its session, and nothing more is sent for it', async ({ page, track }) => {
      await track.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-8s.webm', IDENTITY) });
      await inner(page, 'p');
      const removal = page.evaluate(actOnInner, ['p', 'remove at', 2.5] as [string, 'remove at', number]);
      await playInner(page, 'p', 2);
      const at = (await removal) as number;
      const events = await track.events(3);
      expect(steps(events)).toEqual(['STARTED', 25, 'attention-span']);
      expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
      expect(events.every((e) => e.externalId == 'webinar')).toBe(true);
      const span = events[2] as { derivedValues?: { totalSecondsPlayed?: number } };
      expect(span.derivedValues!.totalSecondsPlayed).toBeLessThanOrEqual(Math.ceil(at));
      // Later: a light-DOM video played whole, and still only its own events besides.
      await page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), media('after', 'clip-1s.webm'));
      await track.media('after', 'loadedmetadata');
      await track.play('after', 4);
      const all = await track.events(9);
      expect(steps(all.slice(3))).toEqual(VIEWING);
      expect(all.slice(3).every((e) => e.mediaUrl!.endsWith('clip-1s.webm'))).toBe(true);
    });

    test('a closed shadow root, and a player marked data-media-track="off": no events, and no error', async ({ page, track }) => {
      await track.open({
        build,
        head: PLAYERS + define('x-closed', { mode: 'closed' }) + define('x-open'),
        body: player('x-closed', 'closed', 'clip-1s.webm') + player('x-open', 'off', 'clip-1s.webm', 'data-media-track="off"') + media('light', 'clip-4s.webm'),
      });
      for (const id of ['closed', 'off']) {
        await inner(page, id);
        await playInner(page, id);
        await inner(page, id, (s) => s.ended);
      }
      // The tracker is alive: the light-DOM video's whole play, sent after anything of the
      // two played before it would have been, and nothing else.
      await track.play('light', 4);
      await track.media('light', 'ended');
      await expect.poll(async () => steps(await track.sent()).length).toBeGreaterThanOrEqual(6);
      const sent = await track.sent();
      expect(sent.map((e) => e.mediaUrl!.replace(/.*\//, ''))).toEqual(Array(6).fill('clip-4s.webm'));
      expect(steps(sent)).toEqual(VIEWING);
    });
  });
}
