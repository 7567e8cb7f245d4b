/**
 * The host page, in real Chromium against both builds: the tracker never throws into it,
 * adds no globals, never blocks or holds it out of the back/forward cache, and gets its
 * events out by the route the wire format promises.
 */
import type { Page } from '@playwright/test';
import { expect, pauseAt, test, type Track } from './fixtures.js';
import { BUILDS, media, steps, VIEWING } from './media.js';

/** Keeps every timeupdate from the tracker, so that only a hide or a page exit reads the media. */
const HOLD_TIMEUPDATES = `<script>document.addEventListener('timeupdate', (e) => e.stopImmediatePropagation(), true);</script>`;

/**
 * Plays an 8 s video past 25% while the tracker sees no timeupdate (the session begins at
 * `playing`), and pauses it at 2.5 s in the page: only a reading on hide or exit can tell.
 */
async function playPastAQuarterUnseen(page: Page, track: Track, build: (typeof BUILDS)[number]) {
  await track.open({ build, head: HOLD_TIMEUPDATES, body: media('v', 'clip-8s.webm') });
  await track.play('v', 2);
  await pauseAt(page, 'v', 2.5);
  await track.events(1);
  expect(steps(await track.sent())).toEqual(['STARTED']);
}

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('adds no globals, and never listens to unload or beforeunload', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.events(5);
      const { added, listened } = await page.evaluate(() => {
        const w = window as unknown as { __keysBefore: string[]; __listened: string[] };
        // The test page's own handles on the module build.
        const page = ['tracker', '__startTracker'];
        return { added: Object.keys(w).filter((k) => !w.__keysBefore.includes(k) && !page.includes(k)), listened: w.__listened };
      });
      expect(added).toEqual([]);
      expect(listened).toEqual(expect.arrayContaining(['pagehide', 'visibilitychange']));
      expect(listened).not.toContain('unload');
      expect(listened).not.toContain('beforeunload');
    });

    test('posts to a proxy on another origin as text/plain, with no CORS preflight', async ({ track }) => {
      await track.open({ build, opts: { endpoint: track.crossOriginEndpoint }, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.events(5);
      const mine = track.server.requests.filter((r) => r.url.includes(`run=${track.run}`));
      expect(mine.map((r) => r.method)).not.toContain('OPTIONS');
      for (const beacon of track.beacons()) expect(beacon).toMatchObject({ method: 'POST', contentType: 'text/plain;charset=UTF-8' });
    });

    test('posts to /media-events on the page origin by default', async ({ track }) => {
      await track.open({ build, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.events(1);
      expect(track.beacons()[0].url).toBe('/media-events');
      expect(track.beacons()[0].origin ?? track.server.url).toBe(track.server.url);
    });

    for (const [why, head] of [
      ['is missing', '<script>navigator.sendBeacon = undefined;</script>'],
      ['refuses', '<script>navigator.sendBeacon = () => false;</script>'],
    ])
      test(`falls back to fetch with keepalive when sendBeacon ${why}`, async ({ page, track }) => {
        await track.open({ build, head, body: media('v', 'clip-1s.webm') });
        await track.play('v', 4);
        expect(steps(await track.events(6))).toEqual(VIEWING);
        const via = await page.evaluate(() => (window as unknown as { __sent: { via: string; keepalive?: boolean }[] }).__sent);
        expect(via.every((s) => s.via == 'fetch' && s.keepalive)).toBe(true);
      });

    test('sends what played since the last timeupdate when the page is hidden', async ({ page, track }) => {
      await playPastAQuarterUnseen(page, track, build);
      // A synthetic visibilitychange runs the same handler as the page being hidden.
      const sent = await page.evaluate(() => {
        document.dispatchEvent(new Event('visibilitychange'));
        return (window as unknown as { __sent: unknown[] }).__sent.length;
      });
      expect(sent).toBe(2);
      expect(steps(await track.events(2))).toEqual(['STARTED', 25]);
    });

    test('sends what played since the last timeupdate when the visitor leaves', async ({ page, track }) => {
      await playPastAQuarterUnseen(page, track, build);
      await page.goto(`${track.server.url}/page?left=1`);
      // Left for good: the session ends, with its attention span.
      expect(steps(await track.events(3))).toEqual(['STARTED', 25, 'attention-span']);
    });

    test('keeps working in an insecure context, without crypto.randomUUID', async ({ track }) => {
      await track.open({ build, head: '<script>Crypto.prototype.randomUUID = undefined;</script>', body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      const events = await track.events(6);
      expect(new Set(events.map((e) => e.id)).size).toBe(6);
      expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    });

    test('never throws into the page, even where it cannot run', async ({ page, track }) => {
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      // A page that broke what the tracker needs to start.
      await track.open({ build, opts: { debug: true }, head: '<script>window.HTMLMediaElement = undefined;</script>', body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.media('v', 'ended');
      // The fixture fails the test on any uncaught error in the page.
      expect(await track.sent()).toEqual([]);
      if (build == 'esm') await expect.poll(() => logs.some((l) => l.startsWith('[media-bridge]'))).toBe(true);
    });

    test('a blob: source without data-media-id: no blob URL is sent, debug mode warns', async ({ page, track }) => {
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await track.open({ build, opts: { debug: true }, body: '<video id="v"></video>' });
      await page.evaluate(async () => {
        const v = document.getElementById('v') as HTMLVideoElement;
        v.src = URL.createObjectURL(await (await fetch('/media/clip-1s.webm')).blob());
      });
      await track.play('v', 4);
      const events = await track.events(5);
      expect(JSON.stringify(events)).not.toContain('blob:');
      expect(events[0]).not.toHaveProperty('externalId');
      expect(events[0]).not.toHaveProperty('mediaUrl');
      // Console messages reach the test asynchronously.
      await expect.poll(() => logs.some((l) => l.includes('data-media-id'))).toBe(true);
      // And every event is logged in debug mode.
      await expect.poll(() => logs.filter((l) => l.startsWith('[media-bridge]')).length).toBeGreaterThanOrEqual(6);
    });

    test('a live stream (infinite duration) sends its played event and no quartile', async ({ page, track }) => {
      await track.open({ build, body: '<video id="v" data-media-id="live-1"></video>' });
      await page.evaluate(async () => {
        const v = document.getElementById('v') as HTMLVideoElement;
        const source = new MediaSource();
        v.src = URL.createObjectURL(source);
        await new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }));
        const buffer = source.addSourceBuffer('video/webm; codecs="vp8"');
        buffer.appendBuffer(await (await fetch('/media/clip-8s.webm')).arrayBuffer());
        await new Promise((resolve) => buffer.addEventListener('updateend', resolve, { once: true }));
        source.duration = Infinity;
      });
      expect(await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).duration)).toBe(Infinity);
      await track.play('v', 8);
      // A timeupdate the tracker read well past where a finite 8 s media would be at 50%.
      await page.waitForFunction(() =>
        (window as unknown as { __media: { id: string; type: string; time: number }[] }).__media.some(
          (e) => e.id == 'v' && e.type == 'timeupdate' && e.time >= 4.5,
        ),
      );
      expect(steps(await track.sent())).toEqual(['STARTED']);
      expect((await track.events(1))[0]).toMatchObject({ externalId: 'live-1' });
    });
  });
}
