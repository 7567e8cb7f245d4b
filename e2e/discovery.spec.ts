/**
 * Which elements are tracked, in real Chromium against both builds: discovery at start and
 * later, release on removal, background videos, and the media element attributes.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { BUILDS, media, steps, VIEWING } from './media.js';

const sentCount = (page: Page) => page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent.length);

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('an element added after load is tracked, exactly once, even when moved', async ({ page, track }) => {
      await track.open({ build, body: '<main></main><aside></aside>' });
      await page.evaluate((html) => {
        document.querySelector('main')!.innerHTML = `<section>${html}</section>`;
      }, media('v', 'clip-4s.webm'));
      // Moved within the document: still the same element, attached once.
      await page.evaluate(() => document.querySelector('aside')!.append(document.getElementById('v')!));
      await track.play('v', 16);
      await track.media('v', 'ended');
      await track.events(6);
      expect(steps(await track.sent())).toEqual(VIEWING);
    });

    test('a removed element is released: nothing is sent for it after its removal', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-8s.webm') });
      await track.play('v', 2);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 2.5);
      await page.evaluate(() => {
        const w = window as unknown as { detached: HTMLVideoElement; detachedEnded: boolean };
        w.detached = document.getElementById('v') as HTMLVideoElement;
        w.detached.addEventListener('ended', () => (w.detachedEnded = true));
        w.detached.remove();
      });
      // Released: its session ends, and its attention span goes with the last events.
      expect(steps(await track.events(3))).toEqual(['STARTED', 25, 'attention-span']);
      const atRemoval = await sentCount(page);
      // Played on, detached, to its end: the tracker no longer listens to it.
      await page.evaluate(() => (window as unknown as { detached: HTMLVideoElement }).detached.play());
      await page.waitForFunction(() => (window as unknown as { detachedEnded: boolean }).detachedEnded);
      expect(await sentCount(page)).toBe(atRemoval);
      expect(steps(await track.sent()).slice(0, 2)).toEqual(['STARTED', 25]);
      expect(steps(await track.sent())).not.toContain(100);
    });

    test('a muted video playing on its own (a hero banner) is not tracked', async ({ track }) => {
      await track.open({
        build,
        body: media('hero', 'clip-1s.webm', 'autoplay muted loop playsinline') + media('v', 'clip-4s.webm'),
      });
      await track.media('hero', 'seeked', 2);
      await track.play('v', 16);
      await track.media('v', 'ended');
      await track.events(6);
      const sent = await track.sent();
      expect(sent.every((e) => e.mediaUrl!.endsWith('clip-4s.webm'))).toBe(true);
      expect(steps(sent)).toEqual(VIEWING);
    });

    test('data-media-track="on" tracks such a video, and "off" skips any', async ({ track }) => {
      await track.open({
        build,
        body: media('hero', 'clip-1s.webm', 'autoplay muted data-media-track="on"') + media('skipped', 'clip-1s.webm', 'data-media-track="off"'),
      });
      await track.play('skipped', 4);
      await track.media('skipped', 'ended');
      await track.media('hero', 'ended');
      await track.events(6);
      const sent = await track.sent();
      expect(steps(sent)).toEqual(VIEWING);
      expect(sent.every((e) => e.mediaUrl!.endsWith('clip-1s.webm'))).toBe(true);
      expect(new Set(sent.map((e) => e.sessionId)).size).toBe(1);
    });

    test('a muted video is tracked when the visitor starts it', async ({ page, track }) => {
      await track.open({
        build,
        body: `${media('v', 'clip-4s.webm', 'muted controls')}<button onclick="v.playbackRate = 16; v.play()">Play</button>`,
      });
      await page.click('button');
      await track.media('v', 'ended');
      expect(steps(await track.events(6))).toEqual(VIEWING);
    });

    test('a muted looping video is tracked from the moment the visitor unmutes it', async ({ page, track }) => {
      await track.open({ build, body: media('hero', 'clip-1s.webm', 'autoplay muted loop') });
      await track.media('hero', 'seeked', 1);
      expect(await track.sent()).toEqual([]);
      await page.evaluate(() => {
        (document.getElementById('hero') as HTMLVideoElement).muted = false;
      });
      const events = await track.events(1);
      expect(events[0]).toMatchObject({ type: 'media-played', state: 'STARTED' });
    });

    test('the media element attributes become the media fields', async ({ track }) => {
      await track.open({
        build,
        body: media('v', 'clip-1s.webm', 'data-media-id="demo-1" data-media-bridge-id="4242" data-media-type="OTHER" title="Product demo"'),
      });
      await track.play('v', 4);
      const [event] = await track.events(1);
      expect(event).toMatchObject({ externalId: 'demo-1', mediaBridgeId: 4242, mediaType: 'OTHER', mediaName: 'Product demo' });
    });
  });
}

test('a script in the head, run before the body is parsed, tracks the elements parsed after it', async ({ track }) => {
  await track.open({ build: 'iife', placement: 'sync', body: `<p>text</p>${media('v', 'clip-1s.webm')}` });
  await track.play('v', 4);
  expect(steps(await track.events(6))).toEqual(VIEWING);
});
