/**
 * Kills a page's renderer in Chromium, as a mobile OS kills a background tab or a renderer
 * crashes: no pagehide, no visibilitychange.
 */
import type { BrowserContext, Page } from '@playwright/test';

/** Kills `page`'s renderer; a page of `otherOrigin` keeps the context open. */
export async function crash(context: BrowserContext, page: Page, otherOrigin: string) {
  // Chromium closes a context whose last page crashes: another origin's page keeps it open.
  const keeper = await context.newPage();
  await keeper.goto(`${otherOrigin}/page?build=none`);
  const crashed = new Promise((resolve) => page.once('crash', resolve));
  const cdp = await context.newCDPSession(page);
  cdp.send('Page.crash').catch(() => {});
  await crashed;
}
