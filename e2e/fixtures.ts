/**
 * Playwright fixtures: one fixture server per worker, and per test a `track` helper bound
 * to a run id, so that a late beacon from an earlier test's page is never counted.
 */
import { test as base, expect, type Page } from '@playwright/test';
import type { WireEvent } from '../src/wire.js';
import { actAt as inPageActAt } from './in-page.js';
import { pagePath, type PageKnobs } from './pages.js';
import { startServer, type Attempt, type Beacon, type FixtureServer } from './server.js';

export interface Track {
  server: FixtureServer;
  /** This test's run id: in the page's URL, and so in its beacons' Referer. */
  run: string;
  /** An endpoint on the other origin, tagged with this run (its Referer carries only the origin). */
  crossOriginEndpoint: string;
  /** Opens a test page. */
  open(knobs?: PageKnobs): Promise<void>;
  /** This test's events as the server received them, once there are at least `n`. */
  events(n: number): Promise<WireEvent[]>;
  /** This test's accepted beacons so far. */
  beacons(): Beacon[];
  /** The events the page has handed to sendBeacon or fetch so far (synchronous truth). */
  sent(): Promise<WireEvent[]>;
  /** Resolves once the media element `id` has fired `type` at least `count` times. */
  media(id: string, type: string, count?: number): Promise<void>;
  /** Starts playing the media element `id` at `rate`. */
  play(id: string, rate?: number): Promise<void>;
  /** This test's requests to /media-events so far, answered or refused. */
  attempts(): Attempt[];
  /** Answers this test's requests with `status` (and Retry-After) in the proxy's place, until `accept()`. */
  refuse(status: number, retryAfter?: string): void;
  /** Lets this test's requests reach the proxy again. */
  accept(): void;
  /** What the proxy stored of this test's pages, oldest first: each id once, however often it was sent. */
  stored(): Promise<WireEvent[]>;
}

let runs = 0;

export const test = base.extend<{ track: Track }, { server: FixtureServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  track: async ({ page, server }, use, info) => {
    const run = `${info.workerIndex}-${++runs}`;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const tagged = new RegExp(`[?&]run=${run}(&|#|$)`);
    const mine = (b: Beacon) => tagged.test(b.url) || tagged.test(b.referer || '');
    await use({
      server,
      run,
      crossOriginEndpoint: `${server.otherOrigin}/media-events?run=${run}`,
      open: async (knobs = {}) => {
        await page.goto(server.url + pagePath(knobs, run));
      },
      events: (n) => server.waitForEvents(n, { filter: mine }),
      beacons: () => server.beacons.filter(mine),
      sent: () => sentEvents(page),
      media: (id, type, count = 1) => waitForMedia(page, id, type, count),
      play: (id, rate = 1) => play(page, id, rate),
      attempts: () => server.attempts.filter((a) => tagged.test(a.url) || tagged.test(a.referer)),
      refuse: (status, retryAfter) => server.fault({ match: (url, referer) => tagged.test(url) || tagged.test(referer), status, retryAfter }),
      accept: () => server.fault(undefined),
      stored: async () =>
        (await server.proxy!.recent(10_000))
          .filter((e) => tagged.test(e.event.pageUrl || ''))
          .reverse()
          .map((e) => e.event),
    });
    server.fault(undefined);
    // The tracker must never throw into the host page.
    expect(errors).toEqual([]);
  },
});

export { expect };

export async function sentEvents(page: Page): Promise<WireEvent[]> {
  return page.evaluate(() =>
    (window as unknown as { __sent: { body: string }[] }).__sent.flatMap((s) => JSON.parse(s.body).events),
  );
}

export async function waitForMedia(page: Page, id: string, type: string, count = 1): Promise<void> {
  await page.waitForFunction(
    ([id, type, count]) =>
      (window as unknown as { __media: { id: string; type: string }[] }).__media.filter((e) => e.id == id && e.type == type)
        .length >= (count as number),
    [id, type, count] as const,
    { timeout: 30_000 },
  );
}

export async function play(page: Page, id: string, rate: number): Promise<void> {
  await page.evaluate(
    ([id, rate]) => {
      const el = document.getElementById(id as string) as HTMLMediaElement;
      el.playbackRate = rate as number;
      return el.play();
    },
    [id, rate] as const,
  );
}

/** As soon as media `id` has played to `seconds`, pauses or seeks it, in the page (in-page.ts). */
export const actAt = (page: Page, id: string, seconds: number, act: 'pause' | number) =>
  page.evaluate(inPageActAt, [id, seconds, act] as [string, number, 'pause' | number]);

/** Pauses media `id` as soon as it has played to `seconds` (see actAt). */
export const pauseAt = (page: Page, id: string, seconds: number) => actAt(page, id, seconds, 'pause');
