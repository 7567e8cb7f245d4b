/**
 * The demo (`npm start`): the page loads, playing the webinar fills the panel with its played
 * and quartile events within seconds, the player added after load is tracked too, and the
 * muted background loop produces nothing. YouTube and Vimeo embeds are left out offline, and
 * shown and tracked where the network reaches them (here, the fakes at the vendors' origins).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer } from '../demo/server.mjs';
import { routeFakes } from './embed-fakes.js';
import { startServer } from './server.js';
import { startFakeHubSpot, type FakeHubSpot } from '../test/proxy/fake-hubspot.js';

type Demo = Awaited<ReturnType<typeof startDemoServer>>;
let demo: Demo;
let dataDir: string;
let hubspot: FakeHubSpot | undefined;

/** Starts the demo; with `forwardTo`, it forwards to that (fake) HubSpot with a token. */
async function start(forwardTo?: FakeHubSpot) {
  dataDir = mkdtempSync(join(tmpdir(), 'mbt-demo-'));
  const env: Record<string, string> = { MEDIA_BRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  if (forwardTo) Object.assign(env, { HUBSPOT_ACCESS_TOKEN: 'demo-token', HUBSPOT_API_BASE: forwardTo.url });
  demo = await startDemoServer({ port: 0, env, log: () => {} });
}

test.afterEach(async () => {
  await demo.close();
  await hubspot?.close();
  hubspot = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Plays a media element at `rate`, as a visitor pressing play would (not muted, not autoplay). */
const play = (page: Page, selector: string, rate: number) =>
  page.evaluate(
    ([s, r]) => {
      const el = document.querySelector<HTMLMediaElement>(s as string)!;
      el.playbackRate = r as number;
      return el.play();
    },
    [selector, rate] as const,
  );

const rows = (page: Page, type: string) => page.locator(`#events tr[data-type="${type}"]`);

test('the page shows dry-run events for the webinar, its bar, and nothing for the background loop', async ({ page }) => {
  await start();
  await page.goto(`${demo.url}/?insertAfter=200`);
  await expect(page.locator('#proxy-status')).toContainText('Dry run');
  // The background loop is playing, muted, and wrapping around: it must report nothing.
  await page.waitForFunction(() => {
    const hero = document.querySelector<HTMLVideoElement>('.hero-video')!;
    return !hero.paused && hero.currentTime > 0;
  });

  await page.locator('#webinar video').evaluate((v: HTMLVideoElement) => v.readyState > 0 || new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true })));
  await play(page, '#webinar video', 16);
  await expect(rows(page, 'media-played')).toHaveCount(1);
  await expect(rows(page, 'media-played-percent')).toHaveCount(4);
  await expect(page.locator('#events tr[data-type="media-played-percent"] .percent')).toHaveText(['100', '75', '50', '25']);
  // The session ended with the video: its attention span, 100% played.
  await expect(page.locator('#events tr[data-type="attention-span"] .percent')).toHaveText(['100']);
  await expect(page.locator('#events .outcome').first()).toHaveText('dry run');
  const sessions = await page.locator('#events tr .session').allTextContents();
  expect(new Set(sessions).size).toBe(1);

  // The bar under the webinar shows the played span and all four marks reached.
  await expect(page.locator('.played-bar[data-for="webinar-2026-q3"] .mark.reached')).toHaveCount(4);
  await expect(page.locator('.played-bar[data-for="webinar-2026-q3"] + .played-caption')).toContainText('100% actually played');

  // The proxy stored exactly these, and none from the background loop.
  const stored = await demo.proxy.recent(100);
  expect(stored.filter((e) => e.event.externalId === 'webinar-2026-q3').length).toBeGreaterThanOrEqual(6);
  expect(stored.every((e) => !String(e.event.mediaUrl ?? '').includes('hero-loop'))).toBe(true);
});

test('the player inserted after load is tracked, and the podcast too', async ({ page }) => {
  await start();
  await page.goto(`${demo.url}/?insertAfter=200`);
  const tour = page.locator('video[data-media-id="product-tour-2026"]');
  await expect(tour).toHaveCount(1);
  await tour.evaluate((v: HTMLVideoElement) => v.readyState > 0 || new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true })));
  await play(page, 'video[data-media-id="product-tour-2026"]', 16);
  await page.locator('#podcast audio').evaluate((a: HTMLAudioElement) => a.readyState > 0 || new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true })));
  await play(page, '#podcast audio', 16);
  await expect(rows(page, 'media-played')).toHaveCount(2);
  await expect(rows(page, 'media-played-percent')).toHaveCount(8);
  await expect(rows(page, 'attention-span')).toHaveCount(2);
  const stored = await demo.proxy.recent(100);
  const ids = new Set(stored.map((e) => e.event.externalId));
  expect(ids).toEqual(new Set(['product-tour-2026', 'podcast-ep-12']));
  expect(stored.find((e) => e.event.externalId === 'podcast-ep-12')!.event.mediaType).toBe('AUDIO');
});

test('a known contact: the utk toggle sets hubspotutk, and events carry it', async ({ page }) => {
  await start();
  await page.goto(`${demo.url}/?insertAfter=60000`);
  // One click: the page sets the cookie and reloads. (check() would click again if the
  // reload raced its own verification, and a second click clears the cookie.)
  await Promise.all([page.waitForEvent('framenavigated'), page.locator('#utk-toggle').click()]);
  await page.waitForLoadState('load');
  await expect(page.locator('#utk-toggle')).toBeChecked();
  const utk = (await page.context().cookies()).find((c) => c.name === 'hubspotutk')!.value;
  expect(utk).toMatch(/^[0-9a-f]{32}$/);
  await page.locator('#webinar video').evaluate((v: HTMLVideoElement) => v.readyState > 0 || new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true })));
  await play(page, '#webinar video', 16);
  await expect(rows(page, 'media-played-percent')).toHaveCount(4);
  const stored = await demo.proxy.recent(100);
  expect(stored.length).toBeGreaterThanOrEqual(5);
  expect(stored.every((e) => e.event.contactUtk === utk)).toBe(true);
});

test('with a token, the panel shows that HubSpot accepted each event', async ({ page }) => {
  hubspot = await startFakeHubSpot({ acceptTokens: ['demo-token'] });
  await start(hubspot);
  await page.goto(`${demo.url}/?insertAfter=60000`);
  await expect(page.locator('#proxy-status')).toContainText('Forwarding to HubSpot');
  await page.locator('#webinar video').evaluate((v: HTMLVideoElement) => v.readyState > 0 || new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true })));
  await play(page, '#webinar video', 16);
  await expect(rows(page, 'media-played-percent')).toHaveCount(4);
  await expect(rows(page, 'attention-span')).toHaveCount(1);
  await expect(page.locator('#events .outcome')).toHaveText(Array(6).fill('accepted (200)'));
  // What reached HubSpot: the played event first, then the quartiles and the attention span, with the token.
  const got = hubspot.delivered();
  expect(got[0].path.split('/').pop()).toBe('media-played');
  expect(got.map((r) => r.path.split('/').pop()).sort()).toEqual(['attention-span', 'media-played', ...Array(4).fill('media-played-percent')]);
  expect(got.every((r) => r.headers.authorization === 'Bearer demo-token')).toBe(true);
});

test('offline, the YouTube and Vimeo embeds are left out, and the page says they need the network', async ({ page }) => {
  await start();
  // No network, whatever the machine has.
  await page.context().route(/^https:\/\/(www\.youtube-nocookie\.com|player\.vimeo\.com)\//, (route) => route.abort('internetdisconnected'));
  await page.goto(`${demo.url}/?insertAfter=60000`);
  await expect(page.locator('#embeds')).toContainText('need the network');
  await expect(page.locator('#embeds-status li')).toHaveText([/^YouTube: left out/, /^Vimeo: left out/]);
  await expect(page.locator('#embeds iframe')).toHaveCount(0);
});

test('with the network, the embeds are shown and a Vimeo play is reported like the videos', async ({ page }) => {
  // The players' fakes at their origins, playing the fixture server's media.
  const media = await startServer();
  try {
    await start();
    await routeFakes(page.context(), media.url);
    await page.goto(`${demo.url}/?insertAfter=60000`);
    await expect(page.locator('#embeds iframe')).toHaveCount(2);
    await expect(page.locator('#embeds-status li')).toHaveCount(0);
    // Once the tracker has subscribed in the Vimeo player, the visitor plays it.
    const vimeo = () => page.frames().find((f) => f.url().startsWith('https://player.vimeo.com/video/76979871'));
    await expect
      .poll(() => vimeo()?.evaluate(() => (window as unknown as { __subs: Set<string> }).__subs.has('ended')).catch(() => false) ?? false)
      .toBe(true);
    await vimeo()!.evaluate(() => {
      const v = document.querySelector('video')!;
      v.playbackRate = 4;
      return v.play();
    });
    await expect(rows(page, 'media-played')).toHaveCount(1);
    await expect(page.locator('#events tr[data-type="media-played-percent"] .percent')).toHaveText(['100', '75', '50', '25']);
    await expect(page.locator('#events tr[data-type="attention-span"] .percent')).toHaveText(['100']);
    await expect(page.locator('.played-bar[data-for="vimeo-embed"] .mark.reached')).toHaveCount(4);
    const stored = await demo.proxy.recent(100);
    expect(stored.length).toBeGreaterThanOrEqual(6);
    expect(stored.every((e) => e.event.externalId === 'https://vimeo.com/76979871')).toBe(true);
  } finally {
    await media.close();
  }
});
