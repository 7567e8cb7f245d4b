/**
 * No viewing lost in real Chromium, against both builds (its long cases against the drop-in
 * only: media.ts, `DROP_IN`): events played offline, or while the proxy refused them, arrive
 * once it is reachable again, once each at the proxy, and no event goes out more than three
 * times. Events the proxy refuses for good are dropped.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Track } from './fixtures.js';
import { BUILDS, DROP_IN, media, steps, VIEWING } from './media.js';

/** Resolves once `ms` more have passed on the page's clock: the length of an outage, not a wait for the tracker. */
const outage = async (page: Page, ms: number) => {
  const until = (await page.evaluate(() => performance.now())) + ms;
  await page.waitForFunction((t) => performance.now() >= t, until);
};

/**
 * What a viewing's events say, in no order: events the page sends again arrive in the order
 * they were held (the proxy sends a session's `media-played` to HubSpot first anyway).
 */
const unordered = (events: { type: string }[]) => steps(events as never).map(String).sort();
const VIEWING_UNORDERED = VIEWING.map(String).sort();

/** How many times each event id went out. */
const sendsById = (track: Track) => {
  const count: Record<string, number> = {};
  for (const a of track.attempts()) for (const id of a.ids) count[id] = (count[id] || 0) + 1;
  return count;
};

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test('events played offline wait in storage, and go out on `online`', async ({ page, context, track }) => {
      await track.open({ build, body: media('v', 'clip-4s.webm') });
      await context.setOffline(true);
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await track.play('v', 16);
      await track.media('v', 'ended');
      await page.waitForFunction(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')).length == 6);
      // Nothing was even tried while offline: no send is spent.
      expect(await track.sent()).toEqual([]);
      await context.setOffline(false);
      await expect.poll(async () => unordered(await track.stored())).toEqual(VIEWING_UNORDERED);
      // A request is counted once its answer is sent, just after the proxy has stored it.
      await expect.poll(() => Object.keys(sendsById(track)).length).toBe(6);
      for (const n of Object.values(sendsById(track))) expect(n).toBe(1);
    });

    test('events played offline in a page that is then closed go out with the next page view', async ({ page, context, track }) => {
      await track.open({ build, body: media('v', 'clip-4s.webm') });
      await context.setOffline(true);
      await track.play('v', 16);
      await track.media('v', 'ended');
      await page.waitForFunction(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')).length == 6);
      await page.close();
      await context.setOffline(false);
      const next = await context.newPage();
      await next.goto(track.server.url + `/page?build=${build}&run=${track.run}`);
      await expect.poll(async () => unordered(await track.stored())).toEqual(VIEWING_UNORDERED);
    });
  });
}

// The long cases: against the drop-in only (media.ts, `DROP_IN`, says why).
for (const build of [DROP_IN]) {
  test.describe(`${build} build`, () => {
    test('a proxy that answers 503 for a whole viewing and recovers a second later loses nothing', async ({ page, track }) => {
      await track.open({ build, body: media('v', 'clip-4s.webm') });
      // As the proxy does when its outbox cannot store: 503 with Retry-After: 5.
      track.refuse(503, '5');
      await track.play('v', 1);
      await track.media('v', 'ended');
      await outage(page, 1000);
      const refused = track.attempts().length;
      expect(refused).toBeGreaterThan(0);
      track.accept();
      await expect.poll(async () => unordered(await track.stored()), { timeout: 45_000 }).toEqual(VIEWING_UNORDERED);
      // Once each at the proxy, and no event went out more than three times.
      expect(new Set((await track.stored()).map((e) => e.id)).size).toBe(6);
      for (const n of Object.values(sendsById(track))) expect(n).toBeLessThanOrEqual(3);
      // While it refused, the page sent one event at a time (the first, then probes), never everything.
      expect(track.attempts().filter((a) => a.status == 503).every((a) => a.ids.length == 1)).toBe(true);
      await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')))).toEqual([]);
    });

    test('events the proxy refuses with a 400 are dropped, said why in debug mode, and never sent again', async ({ page, track }) => {
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await track.open({ build, opts: { debug: true }, body: media('v', 'clip-1s.webm') });
      track.refuse(400);
      await track.play('v', 4);
      await track.media('v', 'ended');
      await expect.poll(() => Object.keys(sendsById(track)).length).toBe(6);
      // Longer than the first backoffs: still nothing more.
      await outage(page, 4000);
      expect(Object.values(sendsById(track))).toEqual(Array(6).fill(1));
      await expect.poll(() => logs.some((l) => l.startsWith('[media-bridge] dropped 400'))).toBe(true);
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('media-bridge:')))).toEqual([]);
    });
  });
}
