/**
 * The main scenarios in Firefox, against both builds: a video played to the end posts one
 * STARTED, the four quartiles and the attention span in one session, with the context
 * fields; replaying and looping start new sessions; a muted background video is ignored; the
 * Done-when viewing of the attention span; events played offline arrive once back online;
 * the media matrix's WebM and MP3 files, each played whole at 1x and 4x, reach 100 (issue 18),
 * and at 1x on a page busy with long tasks, where Firefox shows stale positions;
 * the hand-written web-component players of issue 25; a Vimeo embed played whole, against the
 * fake served at Vimeo's origin by request interception over WebDriver BiDi (issue 24).
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/wire.js';
import { DONE_WHEN_MAP, keptUpToDate, watchDoneWhen } from '../attention.js';
import { fakeAnswer, fakeTitle } from '../embed-fakes.js';
import { MATRIX, matrixBody, playAllToEnd, wholePlayProblems, type Played } from '../fidelity.js';
import { actAt, busyWhilePlaying, playedBy, stopBusy } from '../in-page.js';
import { BUILDS, DONE_WHEN_VIDEO, DROP_IN, doneWhenFields, media, steps, UTK, VIEWING } from '../media.js';
import { pagePath, type PageKnobs } from '../pages.js';
import { startPulse, type Pulse } from '../pulse.js';
import { testRun, type TestRun } from '../runs.js';
import { startServer, type Beacon, type FixtureServer } from '../server.js';
import { SCENARIO_CASES, type Driver } from '../web-components.js';

let server: FixtureServer;
let pulse: Pulse;
let browser: Browser;
let page: Page;
let runs = 0;
let run = '';
/** This test's run: its tag, its beacons, its events (runs.ts). */
let current: TestRun;
let errors: string[] = [];

beforeAll(async () => {
  server = await startServer();
  // Sound goes to a null sink of its own, at the real pace (pulse.ts says why).
  pulse = await startPulse();
  browser = await puppeteer.launch({
    env: { ...process.env, ...pulse.env },
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    // Let media play without a user gesture, as Chromium's --autoplay-policy flag does.
    extraPrefsFirefox: { 'media.autoplay.default': 0, 'media.autoplay.blocking_policy': 0 },
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pulse?.close();
});

afterEach(async () => {
  await page?.browserContext().close();
  // The tracker must never throw into the host page.
  expect(errors).toEqual([]);
});

/**
 * Opens a test page in a new tab of its own browser context (its own storage), tagged with a
 * fresh run id. With `fakes`, the embed players' fakes answer at the vendors' origins.
 */
async function open(knobs: PageKnobs, { fakes = false } = {}) {
  run = `firefox-${++runs}`;
  current = testRun(server, run);
  errors = [];
  page = await (await browser.createBrowserContext()).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  if (fakes) {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      fakeAnswer(request.url(), server.url)
        .then((answer) => (answer ? request.respond(answer) : request.continue()))
        .catch((e) => errors.push(`interception: ${e}`));
    });
  }
  await page.goto(server.url + pagePath(knobs, run));
}

const tagged = () => current.tagged;
const mine = (b: Beacon) => current.mine(b);
/** What the proxy stored of this test's pages, oldest first, each id once. */
const stored = () => current.stored();
/** Polls `read` until it equals `want`, or fails after 30 s. */
async function until<T>(read: () => Promise<T>, want: T) {
  const deadline = Date.now() + 30_000;
  let got = await read();
  while (JSON.stringify(got) != JSON.stringify(want) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    got = await read();
  }
  // On failure, say what reached the proxy from this test's pages.
  if (JSON.stringify(got) != JSON.stringify(want))
    console.log('until: attempts of this run', JSON.stringify(server.attempts.filter((a) => tagged().test(a.referer)).map((a) => [a.status, a.ids])));
  expect(got).toEqual(want);
}
const events = (n: number) => current.events(n);
const sent = () => page.evaluate(() => (window as unknown as { __sent: { body: string }[] }).__sent.flatMap((s) => JSON.parse(s.body).events as WireEvent[]));
const play = (id: string, rate: number) =>
  page.evaluate(
    (id, rate) => {
      const el = document.getElementById(id) as HTMLMediaElement;
      el.playbackRate = rate;
      return el.play();
    },
    id,
    rate,
  );
const mediaEvent = (id: string, type: string, count = 1) =>
  page.waitForFunction(
    (id, type, count) => (window as unknown as { __media: { id: string; type: string }[] }).__media.filter((e) => e.id == id && e.type == type).length >= count,
    { timeout: 60_000, polling: 50 },
    id,
    type,
    count,
  );
/**
 * The events of the whole plays of `truth`, six each. Short of them, it says per file what the
 * browser played and what the page sent, with the attention span's totals and map (where the
 * credit fell short, if it did), then fails.
 */
const wholePlays = (truth: Played[]) =>
  events(6 * truth.length).catch(async (e) => {
    const got = await sent();
    for (const t of truth) {
      const mine = got.filter((g) => g.mediaUrl == t.src);
      const span = mine.find((g) => g.type == 'attention-span') as { derivedValues?: unknown; rawDataMap?: unknown } | undefined;
      console.log(t.id, JSON.stringify(t.played), JSON.stringify(steps(mine)), JSON.stringify(span?.derivedValues), JSON.stringify(span?.rawDataMap));
    }
    throw e;
  });
const withCookie = `<script>document.cookie = 'hubspotutk=${UTK}; path=/';</script>`;

for (const build of BUILDS) {
  describe(`firefox, ${build} build`, () => {
    it('a video played to the end posts one STARTED, then 25, 50, 75 and 100, in one session', async () => {
      await open({ build, head: withCookie, body: DONE_WHEN_VIDEO });
      await play('v', 16);
      await mediaEvent('v', 'ended');
      const received = await events(6);
      expect(steps(received)).toEqual(VIEWING);
      expect(new Set(received.map((e) => e.sessionId)).size).toBe(1);
      const pageUrl = page.url();
      for (const event of received) expect(event).toMatchObject(doneWhenFields(server.url, pageUrl));
      for (const beacon of server.beacons.filter(mine)) expect(beacon).toMatchObject({ method: 'POST', contentType: 'text/plain;charset=UTF-8' });
      expect(await sent()).toHaveLength(6);
    });

    // Firefox ESR plays the matrix's WebM and MP3 files (Debian's build has no H.264 or AAC).
    const files = MATRIX.filter((f) => f.firefox);
    for (const rate of [1, 4])
      it(`the media matrix's ${files.map((f) => f.file).join(', ')} played whole at ${rate}x reach 100, with every span played`, async () => {
        await open({ build, body: matrixBody(files) });
        const truth: Played[] = await page.evaluate(playAllToEnd, [files.map((f) => f.id), rate] as [string[], number]);
        const received = await wholePlays(truth);
        expect(truth.flatMap((t) => wholePlayProblems(received, t))).toEqual([]);
        expect(truth.filter((t) => t.duration % 1 == 0)).toEqual([]);
      });

    // The playhead is one code in both builds: against the drop-in only (DROP_IN, media.ts).
    it.runIf(build == DROP_IN)("the media matrix played whole at 1x on a busy page (long tasks of 0.3 to 1.5 s) reach 100, with every span played", async () => {
      // Firefox's position is mirrored from its media thread: after a long task, a reading may
      // show a position from before it, and the next one a fresh one, further than the page's
      // clock allows from the stale one. That once cost a whole play its 100 (CI, under load).
      await open({ build, body: matrixBody(files) });
      await page.evaluate(busyWhilePlaying, [files.map((f) => f.id), [300, 800, 1500]] as [string[], number[]]);
      const truth: Played[] = await page.evaluate(playAllToEnd, [files.map((f) => f.id), 1] as [string[], number]);
      // Readings that moved further than the clock allows from the one before (a stale one):
      // each run so far met one to two per file, 60 to 100 ms past the slack. The build before
      // the fix lost a 100 in each of 4 runs of this test.
      console.log(`busy page (${build}): readings past the clock, per file: ${JSON.stringify(await page.evaluate(stopBusy))}`);
      const received = await wholePlays(truth);
      expect(truth.flatMap((t) => wholePlayProblems(received, t))).toEqual([]);
    });

    it('replaying after the end posts a new session', async () => {
      await open({ build, body: media('v', 'clip-1s.webm') });
      await play('v', 4);
      await mediaEvent('v', 'ended');
      const first = await events(6);
      await play('v', 4);
      const second = (await events(12).catch(async (e) => {
        // Short of events: say what the page sent, and what the browser played.
        const played = await page.evaluate(playedBy, ['v'] as [string]);
        console.log('replay: sent', JSON.stringify(steps(await sent())), 'played', JSON.stringify(played), 'media events', JSON.stringify(await page.evaluate(() => (window as unknown as { __media: { id: string; type: string }[] }).__media.map((m) => m.type))));
        throw e;
      })).slice(6);
      expect(steps(second)).toEqual(VIEWING);
      expect(new Set(second.map((e) => e.sessionId)).size).toBe(1);
      expect(second[0].sessionId).not.toBe(first[0].sessionId);
    });

    it('each wrap-around of a loop starts a new session that counts from 0', async () => {
      await open({ build, body: media('v', 'clip-1s.webm', 'loop') });
      await play('v', 2);
      await mediaEvent('v', 'seeked', 2);
      const received = await events(13);
      const sessions = [...new Set(received.map((e) => e.sessionId))];
      for (const session of sessions.slice(0, 2)) expect(steps(received.filter((e) => e.sessionId == session))).toEqual(VIEWING);
    });

    it('a seek forward does not earn the skipped part', async () => {
      await open({ build, body: media('v', 'clip-8s.webm') });
      await play('v', 2);
      // From about 1 s to 6 s, in the page (no round trip between the check and the seek).
      await page.evaluate(actAt, ['v', 1, 6] as [string, number, number]);
      await mediaEvent('v', 'ended');
      // The events of a moment go out 250 ms after its first.
      await events(3);
      expect(steps(await sent())).toEqual(['STARTED', 25, 'attention-span']);
    });

    it('a muted video playing on its own is not tracked', async () => {
      await open({ build, body: media('hero', 'clip-1s.webm', 'autoplay muted loop') + media('v', 'clip-1s.webm') });
      await mediaEvent('hero', 'seeked', 2);
      await play('v', 4);
      await mediaEvent('v', 'ended');
      expect(new Set((await events(6)).map((e) => e.sessionId)).size).toBe(1);
      expect(steps(await sent())).toEqual(VIEWING);
    });

    it('0-30 s of 60, 10-20 s again, then the tab closed: one attention span, 10-19 counted twice, 50%', async () => {
      await open({ build, body: media('v', 'clip-60s.webm', 'data-media-id="webinar-60"') });
      await watchDoneWhen(page);
      const [played] = await events(1);
      // Closed over WebDriver BiDi, a headless Firefox tab does not always run its `pagehide`
      // (about one close in six here), and then neither beacons nor writes anything: the
      // close is then a kill. What survives is the live record, written at most every 5 s
      // while the session changes, so the tab closes once that is up to date, as a visitor's
      // would a few seconds after the last change.
      await keptUpToDate(page, played.sessionId);
      await page.close();
      // Headless Firefox does not always deliver a closing tab's sendBeacon either (seen about
      // one time in two here). No page can tell, which is why what goes by sendBeacon stays in
      // storage: the next page view sends it once more, and the proxy keeps one copy.
      page = await page.browserContext().newPage();
      await page.goto(server.url + pagePath({ build }, run));
      await until(async () => steps(await stored()), ['STARTED', 25, 50, 'attention-span']);
      expect((await stored())[3]).toMatchObject({
        id: played.sessionId,
        sessionId: played.sessionId,
        externalId: 'webinar-60',
        rawDataMap: DONE_WHEN_MAP,
        derivedValues: { totalPercentPlayed: 50, totalSecondsPlayed: 30 },
      });
    });

    it('a Vimeo embed played whole reports like a video, under its canonical URL and its title', async () => {
      const src = 'https://player.vimeo.com/video/76979871';
      await open({ build, opts: build == 'esm' ? { embeds: true } : {}, body: `<iframe src="${src}?__rate=4"></iframe>` }, { fakes: true });
      // Once the tracker has subscribed in the fake's frame, its video is played.
      const subscribed = () => {
        const frame = page.frames().find((f) => f.url().startsWith(src));
        return frame ? frame.evaluate(() => !!(window as unknown as { __subs?: Set<string> }).__subs?.has('ended')).catch(() => false) : Promise.resolve(false);
      };
      await until(subscribed, true);
      await page.frames().find((f) => f.url().startsWith(src))!.evaluate(() => document.querySelector('video')!.play());
      const received = await events(6);
      expect(steps(received)).toEqual(VIEWING);
      for (const e of received) expect(e).toMatchObject({ externalId: 'https://vimeo.com/76979871', mediaUrl: 'https://vimeo.com/76979871', mediaName: fakeTitle('76979871'), mediaType: 'VIDEO' });
      expect(received.at(-1)).toMatchObject({ derivedValues: { totalPercentPlayed: 100 } });
    });

    it('events played offline wait in storage, and go out once back online', async () => {
      await open({ build, body: media('v', 'clip-4s.webm') });
      await page.setOfflineMode(true);
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await play('v', 16);
      await mediaEvent('v', 'ended');
      await page.waitForFunction(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')).length == 6, { polling: 50 });
      expect(await sent()).toEqual([]);
      await page.setOfflineMode(false);
      await until(async () => steps(await stored()).map(String).sort(), VIEWING.map(String).sort());
    });
  });
}

/** The web-component scenarios (issue 25), driven through puppeteer. */
const driver: Driver = {
  open,
  inPage: (fn, arg) => page.evaluate(fn as (arg: unknown) => unknown, arg) as Promise<never>,
  until: (what, ready) =>
    (async () => {
      const deadline = Date.now() + 30_000;
      while (!(await ready())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
  events: (n) => events(n),
  get origin() {
    return server.url;
  },
};

describe('firefox: players built as web components', () => {
  for (const { name, run } of SCENARIO_CASES) it(name, async () => expect(await run(driver)).toEqual([]));
});
