/**
 * The attention span in real Chromium, against both builds (its long cases against the drop-in
 * only: media.ts, `DROP_IN`): one event per session, from the same record as the quartiles,
 * sent when the session ends, when the tab is closed, or, when the renderer dies, by the next
 * page view, exactly once.
 */
import type { AttentionSpanEvent, WireEvent } from '../src/wire.js';
import { expect, test, type Track } from './fixtures.js';
import { DONE_WHEN_MAP, keptUpToDate, playRange, watchDoneWhen } from './attention.js';
import { crash } from './crash.js';
import { BUILDS, DROP_IN, media } from './media.js';

const VIDEO = media('v', 'clip-60s.webm', 'data-media-id="webinar-60"');

const spans = (events: WireEvent[]) => events.filter((e): e is AttentionSpanEvent => e.type == 'attention-span');

/** How many requests carried event `id`. */
const sends = (track: Track, id: string) => track.attempts().filter((a) => a.ids.includes(id)).length;

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('a session that ends sends its attention span at once, and a live one is kept only in storage', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-4s.webm') });
      await track.play('v', 1);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 1.5);
      await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).pause());
      const [played] = await track.events(1);
      // While it lasts: in storage (within 5 s), not on the wire.
      await page.waitForFunction((key) => !!localStorage[key], `media-bridge:${played.sessionId}`);
      expect(spans(await track.sent())).toEqual([]);
      await track.play('v', 4);
      await track.media('v', 'ended');
      const [span] = spans(await track.events(6));
      expect(span).toMatchObject({ rawDataMap: { 0: 1, 1: 1, 2: 1, 3: 1 }, derivedValues: { totalPercentPlayed: 100 } });
    });
  });
}

// The long cases: against the drop-in only (media.ts, `DROP_IN`, says why).
for (const build of [DROP_IN]) {
  test.describe(`${build} build`, () => {
    test('0-30 s of 60, 10-20 s again, then the tab closed: one attention span, 10-19 counted twice, 50%', async ({ page, track }) => {
      await track.open({ build, body: VIDEO });
      await watchDoneWhen(page);
      const [played] = await track.events(1);
      const id = played.sessionId;
      await page.close();
      const [span] = spans(await track.events(4));
      expect(span).toMatchObject({
        id,
        sessionId: played.sessionId,
        externalId: 'webinar-60',
        mediaType: 'VIDEO',
        pageUrl: played.pageUrl,
        rawDataMap: DONE_WHEN_MAP,
        derivedValues: { totalPercentPlayed: 50, totalSecondsPlayed: 30 },
      });
      // The quartiles of the same record: 25 and 50, nothing more.
      expect((await track.stored()).map((e) => (e.type == 'media-played-percent' ? e.playedPercent : e.type))).toEqual([
        'media-played',
        25,
        50,
        'attention-span',
      ]);
      // It went by sendBeacon, whose answer no page reads: the next page view sends it once
      // more, the proxy drops that copy, and storage is left empty.
      const next = await page.context().newPage();
      await next.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await expect.poll(() => sends(track, id)).toBe(2);
      await expect.poll(() => next.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')))).toEqual([]);
      expect(spans(await track.stored())).toHaveLength(1);
    });

    test('the same viewing in a page whose renderer is killed arrives, once, with the next page view', async ({ page, context, track }) => {
      await track.open({ build, body: VIDEO });
      await watchDoneWhen(page);
      const [played] = await track.events(1);
      await keptUpToDate(page, played.sessionId);
      await crash(context, page, track.server.otherOrigin);
      expect(spans(await track.stored())).toEqual([]);
      const next = await context.newPage();
      await next.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await expect.poll(async () => spans(await track.stored()).length).toBe(1);
      expect(spans(await track.stored())[0]).toMatchObject({
        id: played.sessionId,
        sessionId: played.sessionId,
        rawDataMap: DONE_WHEN_MAP,
        derivedValues: { totalPercentPlayed: 50, totalSecondsPlayed: 30 },
      });
      // A request is counted once its answer is sent, just after the proxy has stored it.
      await expect.poll(() => sends(track, played.sessionId)).toBe(1);
    });

    test('two tabs opened after a killed one recover its session exactly once', async ({ page, context, track }) => {
      await track.open({ build, body: VIDEO });
      await playRange(page, 0, 12);
      const [played] = await track.events(1);
      const id = played.sessionId;
      await page.waitForFunction((key) => !!localStorage[key], `media-bridge:${id}`);
      await crash(context, page, track.server.otherOrigin);
      const tabs = await Promise.all([context.newPage(), context.newPage()]);
      await Promise.all(tabs.map((tab) => tab.goto(track.server.url + `/page?build=${build}&run=${track.run}`)));
      await expect.poll(() => sends(track, id)).toBe(1);
      // Both tabs have run their recovery (it waits 1 s) and neither sent it again.
      await Promise.all(tabs.map((tab) => tab.waitForFunction((key) => localStorage[key] === undefined, `media-bridge:${id}`)));
      // Both waited their 1 s for live pages to answer, with time to spare.
      for (const tab of tabs) await tab.waitForFunction(() => performance.now() > 4000);
      expect(sends(track, id)).toBe(1);
      expect(spans(await track.stored())).toHaveLength(1);
    });
  });
}
