/**
 * Playback in real Chromium, against both builds: sessions, quartiles of the share actually
 * played, and the fields every event carries.
 */
import { actAt, expect, pauseAt, test } from './fixtures.js';
import type { AttentionSpanEvent } from '../src/wire.js';
import { BUILDS, DONE_WHEN_VIDEO, doneWhenFields, media, steps, UTK, VIEWING } from './media.js';

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('a video played to the end posts one STARTED, then 25, 50, 75 and 100, in one session', async ({ page, track }) => {
      await page.context().addCookies([{ name: 'hubspotutk', value: UTK, url: track.server.url }]);
      await track.open({
        build,
        hash: 'chapter-2',
        body: DONE_WHEN_VIDEO,
      });
      await track.play('v', 16);
      await track.media('v', 'ended');
      const events = await track.events(6);

      expect(steps(events)).toEqual(VIEWING);
      expect(events.map((e) => e.type)).toEqual(['media-played', ...Array(4).fill('media-played-percent'), 'attention-span']);
      expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
      expect(new Set(events.map((e) => e.id)).size).toBe(6);
      expect(events[5]).toMatchObject({
        id: events[0].sessionId,
        rawDataMap: { 0: 1, 1: 1, 2: 1, 3: 1 },
        derivedValues: { totalPercentPlayed: 100, totalSecondsPlayed: 4 },
      });
      const pageUrl = page.url().split('#')[0];
      for (const event of events) expect(event).toMatchObject(doneWhenFields(track.server.url, pageUrl));
      for (const beacon of track.beacons()) {
        expect(beacon.method).toBe('POST');
        expect(beacon.contentType).toBe('text/plain;charset=UTF-8');
        expect(beacon.url).toBe('/media-events');
      }
      // Nothing more was sent than these six.
      expect(await track.sent()).toHaveLength(6);
    });

    test('replaying after the end posts a new session', async ({ track }) => {
      await track.open({ build, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.media('v', 'ended');
      const first = await track.events(6);
      await track.play('v', 4);
      const all = await track.events(12);
      const second = all.slice(6);
      expect(steps(first)).toEqual(VIEWING);
      expect(steps(second)).toEqual(VIEWING);
      expect(new Set(second.map((e) => e.sessionId)).size).toBe(1);
      expect(second[0].sessionId).not.toBe(first[0].sessionId);
    });

    test('an audio element defaults to AUDIO, its URL as id and its file name as name', async ({ track }) => {
      await track.open({ build, body: media('a', 'tone-4s.wav') });
      await track.play('a', 16);
      const events = await track.events(5);
      const url = `${track.server.url}/media/tone-4s.wav`;
      expect(events[0]).toMatchObject({ type: 'media-played', state: 'STARTED', mediaType: 'AUDIO', externalId: url, mediaUrl: url, mediaName: 'tone-4s.wav' });
      expect(events[0]).not.toHaveProperty('contactUtk');
      expect(events[0]).not.toHaveProperty('mediaBridgeId');
    });

    test('an mp4 and a 1 s clip reach every quartile', async ({ track }) => {
      await track.open({ build, body: media('mp4', 'clip-4s.mp4') + media('short', 'clip-1s.webm') });
      await track.play('mp4', 16);
      await track.play('short', 1);
      const events = await track.events(12);
      for (const id of ['clip-4s.mp4', 'clip-1s.webm']) expect(steps(events.filter((e) => e.mediaUrl!.endsWith(id)))).toEqual(VIEWING);
    });

    test('a seek forward does not earn the skipped part', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-8s.webm') });
      await track.play('v', 2);
      // Skip from about 1 s to 6 s, then play to the end: about 3 s of 8 are played.
      await actAt(page, 'v', 1, 6);
      await track.media('v', 'ended');
      await track.events(3);
      const sent = await track.sent();
      expect(steps(sent)).toEqual(['STARTED', 25, 'attention-span']);
      // The attention span has the first second and the last two played, and nothing between;
      // it names all 8 spans, the unplayed ones as 0.
      const map = (sent[2] as AttentionSpanEvent).rawDataMap;
      expect(Object.keys(map)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
      const spans = Object.keys(map).filter((k) => map[k] > 0).map(Number);
      expect(spans).toEqual(expect.arrayContaining([0, 6, 7]));
      expect(spans.every((s) => s < 2 || s >= 6)).toBe(true);
    });

    test('playing a part again does not count it twice', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-8s.webm') });
      await track.play('v', 2);
      await pauseAt(page, 'v', 3);
      await page.evaluate(() => {
        (document.getElementById('v') as HTMLVideoElement).currentTime = 0;
      });
      await track.media('v', 'seeked');
      await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).play());
      await pauseAt(page, 'v', 3.5);
      await track.media('v', 'pause', 2);
      // Played 0 to about 3.5 s twice, about 45% of it: 25 only.
      const sent = await track.sent();
      expect(steps(sent)).toEqual(['STARTED', 25]);
    });

    test('each wrap-around of a loop starts a new session', async ({ track }) => {
      await track.open({ build, body: media('v', 'clip-1s.webm', 'loop') });
      await track.play('v', 2);
      await track.media('v', 'seeked', 2);
      const events = await track.events(13);
      const sessions = [...new Set(events.map((e) => e.sessionId))];
      expect(sessions.length).toBeGreaterThanOrEqual(3);
      for (const session of sessions.slice(0, 2)) expect(steps(events.filter((e) => e.sessionId == session))).toEqual(VIEWING);
    });

    test('a tracker started while a video plays credits what it already played', async ({ page, track }) => {
      await track.open({ build, late: true, body: media('v', 'clip-8s.webm') });
      await track.play('v', 4);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 4.2);
      await page.evaluate(() => (window as unknown as { __startTracker(): void }).__startTracker());
      const events = await track.events(3);
      expect(steps(events.slice(0, 3))).toEqual(['STARTED', 25, 50]);
      // Events of the same moment travel in one request. It may carry 75 too: at 4×, the
      // 250 ms that a moment's first event waits for the others play another second.
      expect(steps(track.beacons()[0].body!.events).slice(0, 3)).toEqual(['STARTED', 25, 50]);
    });
  });
}
