/**
 * Fidelity in real Chromium (issue 18), against both builds (its long cases against the
 * drop-in only: media.ts, `DROP_IN`): media as sites have them, each played whole, reach 100%
 * with every span of their attention span played; a playlist's sessions each name their own
 * media; a page killed a second after a pause loses nothing.
 */
import type { AttentionSpanEvent, WireEvent } from '../src/wire.js';
import { attentionSpan } from '../src/tracker/attention-span.js';
import { crash } from './crash.js';
import { MATRIX, matrixBody, playAllToEnd, wholePlayProblems, type Played } from './fidelity.js';
import { expect, test } from './fixtures.js';
import { BUILDS, DROP_IN, media, steps } from './media.js';

const spans = (events: WireEvent[]) => events.filter((e): e is AttentionSpanEvent => e.type == 'attention-span');

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    // The whole matrix at 1x is a long case: against the drop-in only (media.ts, `DROP_IN`, says why).
    for (const rate of build == DROP_IN ? [1, 4] : [4])
      test(`every file of the media matrix played whole at ${rate}x reaches 100, with every span played`, async ({ page, track }) => {
        test.setTimeout(90_000);
        await track.open({ build, body: matrixBody(MATRIX) });
        const truth: Played[] = await page.evaluate(playAllToEnd, [MATRIX.map((f) => f.id), rate] as [string[], number]);
        const events = await track.events(6 * MATRIX.length);
        expect(truth.flatMap((t) => wholePlayProblems(events, t))).toEqual([]);
        // The durations are the odd ones the files have, not whole seconds.
        expect(truth.filter((t) => t.duration % 1 == 0)).toEqual([]);
      });

    test('a source changed mid-play gives two sessions, each of whose events names its own media', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'vp9-6008ms.webm', 'data-media-name="Episode 1"') });
      await track.play('v', 2);
      // Past 2.5 s: the last timeupdate before the change (at most 250 ms, 0.5 s of media, back) is past 2 s.
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 2.5);
      // A playlist player: the next episode's name and source, and play on.
      const next = await page.evaluate(() => {
        const v = document.getElementById('v') as HTMLVideoElement;
        v.dataset.mediaName = 'Episode 2';
        v.src = '/media/h264-aac.mp4';
        v.playbackRate = 4;
        return v.play().then(() => v.currentSrc);
      });
      await track.media('v', 'ended');
      const events = await track.events(2 + 6);
      const sessions = [...new Set(events.map((e) => e.sessionId))];
      expect(sessions).toHaveLength(2);
      const [first, second] = sessions.map((s) => events.filter((e) => e.sessionId == s));
      const firstUrl = `${track.server.url}/media/vp9-6008ms.webm`;
      for (const e of first) expect(e, e.type).toMatchObject({ mediaUrl: firstUrl, externalId: firstUrl, mediaName: 'Episode 1' });
      for (const e of second) expect(e, e.type).toMatchObject({ mediaUrl: next, externalId: next, mediaName: 'Episode 2' });
      // The first session's attention span is of its own 6.008 s, not the next one's 5.5 s.
      const [span] = spans(first);
      expect(Object.keys(span.rawDataMap)).toHaveLength(7);
      expect(span.derivedValues!.totalSecondsPlayed).toBeGreaterThanOrEqual(2);
      expect(steps(second)).toEqual(['STARTED', 25, 50, 75, 100, 'attention-span']);
    });
  });
}

// The long cases: against the drop-in only (media.ts, `DROP_IN`, says why).
for (const build of [DROP_IN]) {
  test.describe(`${build} build`, () => {
    test('a page killed a second after a pause loses nothing: the next page view sends what was played', async ({ page, context, track }) => {
      await track.open({ build, body: media('v', 'vp8-23976fps.webm') });
      await track.play('v', 1);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 3.3);
      const played = await page.evaluate(() => {
        const v = document.getElementById('v') as HTMLVideoElement;
        v.pause();
        return { duration: v.duration, ranges: Array.from({ length: v.played.length }, (_, i) => [v.played.start(i), v.played.end(i)] as [number, number]) };
      });
      const [started] = await track.events(1);
      // A second after the pause, the renderer is killed (a crash, a phone reclaiming memory):
      // no pagehide, no visibilitychange. (The scenario is the second; no condition is awaited.)
      await page.waitForTimeout(1000);
      await crash(context, page, track.server.otherOrigin);
      expect(spans(await track.stored())).toEqual([]);
      const next = await context.newPage();
      await next.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await expect.poll(async () => spans(await track.stored()).length).toBe(1);
      // Exactly what the browser says was played, to the end of the span.
      expect(spans(await track.stored())[0]).toMatchObject({ sessionId: started.sessionId, ...attentionSpan(played.ranges, played.duration) });
    });
  });
}
