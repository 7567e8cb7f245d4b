/**
 * The page's life in real Chromium, against the drop-in (media.ts, `DROP_IN`, says why not
 * the ES module too): a hidden tab keeps its session.
 * (The back/forward cache has its own file: it needs another browser flag.)
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { DROP_IN, media, steps, VIEWING } from './media.js';

/** Hides or shows the page as the browser does: headless Chromium never hides a tab itself. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

export const keys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')));

// Against the drop-in only (media.ts, `DROP_IN`, says why).
for (const build of [DROP_IN]) {
  test.describe(`${build} build`, () => {
    test('hiding the tab sends what is pending and keeps the session, which plays on in the background', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-8s.webm') });
      await track.play('v', 2);
      const [played] = await track.events(1);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 2.5);
      await setHidden(page, true);
      // What the hide read (the 25% since the last timeupdate) went at once, by sendBeacon.
      expect(steps(await track.sent())).toContain(25);
      // The session goes on, kept in storage in case the tab dies in the background.
      expect(await keys(page)).toContain(`media-bridge:${played.sessionId}`);
      await track.media('v', 'ended');
      await setHidden(page, false);
      const events = await track.events(6);
      expect(steps(events)).toEqual(VIEWING);
      expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([played.sessionId]));
    });
  });
}
