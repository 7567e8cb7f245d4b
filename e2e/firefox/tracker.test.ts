/**
 * The main scenarios in Firefox, against both builds: a video played to the end posts one
 * STARTED and the four quartiles in one session, with the context fields; replaying and
 * looping start new sessions; a muted background video is ignored.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/wire.js';
import { BUILDS, DONE_WHEN_VIDEO, doneWhenFields, media, steps, UTK } from '../media.js';
import { pagePath, type PageKnobs } from '../pages.js';
import { startServer, type Beacon, type FixtureServer } from '../server.js';

let server: FixtureServer;
let browser: Browser;
let page: Page;
let runs = 0;
let run = '';
let errors: string[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await puppeteer.launch({
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
});

afterEach(async () => {
  await page?.close();
  // The tracker must never throw into the host page.
  expect(errors).toEqual([]);
});

/** Opens a test page in a new tab, tagged with a fresh run id. */
async function open(knobs: PageKnobs) {
  run = `firefox-${++runs}`;
  errors = [];
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + pagePath(knobs, run));
}

const mine = (b: Beacon) => new RegExp(`[?&]run=${run}(&|$)`).test(b.referer || '');
const events = (n: number) => server.waitForEvents(n, { filter: mine });
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
const withCookie = `<script>document.cookie = 'hubspotutk=${UTK}; path=/';</script>`;

for (const build of BUILDS) {
  describe(`firefox, ${build} build`, () => {
    it('a video played to the end posts one STARTED, then 25, 50, 75 and 100, in one session', async () => {
      await open({ build, head: withCookie, body: DONE_WHEN_VIDEO });
      await play('v', 16);
      const received = await events(5);
      await mediaEvent('v', 'ended');
      expect(steps(received)).toEqual(['STARTED', 25, 50, 75, 100]);
      expect(new Set(received.map((e) => e.sessionId)).size).toBe(1);
      const pageUrl = page.url();
      for (const event of received) expect(event).toMatchObject(doneWhenFields(server.url, pageUrl));
      for (const beacon of server.beacons.filter(mine)) expect(beacon).toMatchObject({ method: 'POST', contentType: 'text/plain;charset=UTF-8' });
      expect(await sent()).toHaveLength(5);
    });

    it('replaying after the end posts a new session', async () => {
      await open({ build, body: media('v', 'clip-1s.webm') });
      await play('v', 4);
      const first = await events(5);
      await mediaEvent('v', 'ended');
      await play('v', 4);
      const second = (await events(10)).slice(5);
      expect(steps(second)).toEqual(['STARTED', 25, 50, 75, 100]);
      expect(new Set(second.map((e) => e.sessionId)).size).toBe(1);
      expect(second[0].sessionId).not.toBe(first[0].sessionId);
    });

    it('each wrap-around of a loop starts a new session that counts from 0', async () => {
      await open({ build, body: media('v', 'clip-1s.webm', 'loop') });
      await play('v', 2);
      await mediaEvent('v', 'seeked', 2);
      const received = await events(11);
      const sessions = [...new Set(received.map((e) => e.sessionId))];
      for (const session of sessions.slice(0, 2)) expect(steps(received.filter((e) => e.sessionId == session))).toEqual(['STARTED', 25, 50, 75, 100]);
    });

    it('a seek forward does not earn the skipped part', async () => {
      await open({ build, body: media('v', 'clip-8s.webm') });
      await play('v', 2);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime >= 1, { polling: 50 });
      await page.evaluate(() => {
        (document.getElementById('v') as HTMLVideoElement).currentTime = 6;
      });
      await mediaEvent('v', 'ended');
      expect(steps(await sent())).toEqual(['STARTED', 25]);
    });

    it('a muted video playing on its own is not tracked', async () => {
      await open({ build, body: media('hero', 'clip-1s.webm', 'autoplay muted loop') + media('v', 'clip-1s.webm') });
      await mediaEvent('hero', 'seeked', 2);
      await play('v', 4);
      await mediaEvent('v', 'ended');
      expect(steps(await sent())).toEqual(['STARTED', 25, 50, 75, 100]);
      expect(new Set((await events(5)).map((e) => e.sessionId)).size).toBe(1);
    });
  });
}
