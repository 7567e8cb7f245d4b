/**
 * The tracker beside the host page's own scripts, in real Chromium: old libraries that replace
 * built-ins (reproduced where they are not on npm, the real ones where they are) and broken
 * `fetch`es, the one list of e2e/page-hazards.ts. Each page runs its scripts before the
 * tracker's tag and plays a whole viewing at 4x; the proxy gets all of it, and the page's own
 * code still sees its built-ins, its JSON and its fetch as it left them.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Track } from './fixtures.js';
import { BUILDS, media, steps, VIEWING } from './media.js';
import { PAGE_HAZARDS, type PageHazard } from './page-hazards.js';
import type { WireEvent } from '../src/wire.js';

const VIDEO = media('v', 'clip-4s.webm', 'data-media-id="hazard-4s"');

/** The page's built-ins, by name (runs in the page): taken before the tracker's tag, compared after the viewing. */
function builtins(g: typeof window) {
  const owners: Record<string, object> = {
    window: { fetch: g.fetch, Promise: g.Promise, JSON: g.JSON, Map: g.Map, Set: g.Set, setTimeout: g.setTimeout },
    Array: g.Array,
    'Array.prototype': g.Array.prototype,
    Object: g.Object,
    'Object.prototype': g.Object.prototype,
    'String.prototype': g.String.prototype,
    'Number.prototype': g.Number.prototype,
    'Function.prototype': g.Function.prototype,
    'Date.prototype': g.Date.prototype,
    'RegExp.prototype': g.RegExp.prototype,
    JSON: g.JSON,
    Promise: g.Promise,
    'Promise.prototype': g.Promise.prototype,
    'Map.prototype': g.Map.prototype,
    'EventTarget.prototype': g.EventTarget.prototype,
    'Storage.prototype': g.Storage.prototype,
    navigator: g.navigator,
  };
  const out: Record<string, unknown> = {};
  for (const name in owners)
    for (const key of Object.getOwnPropertyNames(owners[name])) {
      const d = Object.getOwnPropertyDescriptor(owners[name], key)!;
      out[`${name}.${key}`] = 'value' in d ? d.value : d.get;
    }
  return out;
}

/** The built-ins that are not what they were before the tracker's tag (runs in the page). */
function changedBuiltins(g: typeof window & { __builtins: Record<string, unknown> }, now: Record<string, unknown>) {
  const out: string[] = [];
  for (const key in g.__builtins) if (!Object.is(g.__builtins[key], now[key])) out.push(key);
  for (const key in now) if (!(key in g.__builtins)) out.push(key);
  return out;
}

/** The page's head: the hazard's own scripts, then the snapshot of its built-ins. */
function head(hazard: PageHazard): string {
  const scripts = hazard.install
    ? `<script src="/page-hazards/${PAGE_HAZARDS.indexOf(hazard)}.js"></script>`
    : hazard.scripts!.map((file) => `<script src="/node_modules/${file}"></script>`).join('') +
      (hazard.setup ? `<script>${hazard.setup}</script>` : '');
  return `${scripts}<script>window.__builtins = (${builtins})(window);</script>`;
}

/** What the page's own code sees no longer as it expects, after the viewing. */
async function pageSees(page: Page, hazard: PageHazard): Promise<string[]> {
  const changed: string[] = await page.evaluate(`(${changedBuiltins})(window, (${builtins})(window))`);
  const own: string[] = await page.evaluate(`(async () => await (${hazard.own})(window))()`);
  // Its own fetch and JSON, on a page that keeps fetch as it is (the others check theirs in `own`).
  const fetched: unknown = hazard.fetch
    ? 200
    : await page.evaluate(async () => (await fetch('/media/clip-1s.webm', { method: 'HEAD' })).status);
  const json: unknown = await page.evaluate(() => JSON.parse(JSON.stringify({ page: { n: 1, s: 'é' } })).page.s);
  return [...changed, ...own, ...(fetched == 200 ? [] : ['its fetch']), ...(json == 'é' ? [] : ['its JSON'])];
}

/**
 * Plays the whole 4 s video at 4x: the proxy stores STARTED, 25, 50, 75, 100 and an attention
 * span of 100%, one session, each id once; the bodies the tracker handed over are the wire format.
 */
async function wholeViewing(page: Page, track: Track) {
  await track.play('v', 4);
  // In any order: the viewing lasts a second, so its requests go out a moment apart, and on a
  // loaded machine the proxy may store a later one first (seen once in CI: 50 after the span).
  await expect.poll(async () => unordered(await track.stored())).toEqual(unordered(VIEWING));
  const stored = await track.stored();
  expect(new Set(stored.map((e) => e.sessionId)).size).toBe(1);
  expect(new Set(stored.map((e) => e.id)).size).toBe(6);
  expect(stored.find((e) => e.type == 'attention-span')).toMatchObject({ derivedValues: { totalPercentPlayed: 100, totalSecondsPlayed: 4 } });
  const bodies = await sentBodies(page);
  for (const { body } of bodies) {
    const parsed = JSON.parse(body) as { events: { id: unknown; type: unknown; derivedValues?: unknown }[] };
    expect(Array.isArray(parsed.events)).toBe(true);
    for (const e of parsed.events) {
      expect(typeof e.id).toBe('string');
      if (e.type == 'attention-span') expect(typeof e.derivedValues).toBe('object');
    }
  }
  return bodies;
}

/** A viewing's steps (or those of what the proxy stored) in a fixed order, whatever order they came in. */
const unordered = (events: WireEvent[] | (string | number)[]) =>
  (typeof events[0] == 'object' ? steps(events as WireEvent[]) : (events as (string | number)[])).map(String).sort();

/** What the tracker handed to sendBeacon and fetch, as the page's instrumentation (e2e/pages.ts) saw it. */
const sentBodies = (page: Page) =>
  page.evaluate(() => {
    const sent = (window as unknown as { __sent: { via: string; body: string }[] }).__sent;
    const out: { via: string; body: string }[] = [];
    for (let i = 0; i < sent.length; i++) out.push({ via: sent[i].via, body: sent[i].body });
    return out;
  });

/** How many events this page keeps in storage for a later page view: one a key, or a request's under one. */
const kept = (page: Page) =>
  page.evaluate(() => {
    let events = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.indexOf('media-bridge:') == 0) events += JSON.parse(localStorage.getItem(key)!).length || 1;
    }
    return events;
  });

for (const hazard of PAGE_HAZARDS)
  test.describe(hazard.name, () => {
    for (const build of BUILDS)
      test(`${build} build: a whole viewing, and the page's own code sees what it expects`, async ({ page, track }) => {
        await track.open({ build, head: head(hazard), body: VIDEO });
        const bodies = await wholeViewing(page, track);
        expect(await pageSees(page, hazard)).toEqual([]);
        if (!hazard.fetch) return;
        // No promise from fetch: every batch went by sendBeacon, even those the page's wrapper sent.
        const beaconed = bodies.filter((b) => b.via == 'beacon').map((b) => b.body);
        expect(beaconed.length).toBeGreaterThan(0);
        expect(beaconed).toEqual(expect.arrayContaining(bodies.filter((b) => b.via == 'fetch').map((b) => b.body)));
        // No answer was read: the events stay kept, and the next page view sends them again
        // (by sendBeacon); the proxy drops the copies.
        expect(await kept(page)).toBe(6);
        const ids = (await track.stored()).map((e) => e.id);
        const sends = () => ids.map((id) => track.attempts().filter((a) => a.ids.includes(id)).length);
        const before = sends();
        await track.open({ build, head: head(hazard) });
        await expect.poll(() => sends().every((n, i) => n > before[i])).toBe(true);
        expect(unordered(await track.stored())).toEqual(unordered(VIEWING));
      });
  });

test.describe('a tracker that cannot start', () => {
  // A page that broke what the tracker needs (the drop-in's start fails, whatever the cause).
  const BROKEN = '<script>window.HTMLMediaElement = undefined;</script>';

  for (const debug of [true, false])
    test(`says why in the console with data-debug, and only then (debug ${debug})`, async ({ page, track }) => {
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await track.open({ opts: { debug }, head: BROKEN, body: VIDEO });
      await track.play('v', 4);
      await track.media('v', 'ended');
      // The fixture fails the test on any uncaught error in the page.
      expect(await track.sent()).toEqual([]);
      if (debug) await expect.poll(() => logs.filter((l) => l.startsWith('[media-bridge]') && /TypeError/.test(l))).toHaveLength(1);
      // Console messages reach the test asynchronously: one of the page's own marks the end.
      await page.evaluate(() => console.log('page: done'));
      await expect.poll(() => logs.includes('page: done')).toBe(true);
      if (!debug) expect(logs.filter((l) => l.startsWith('[media-bridge]'))).toEqual([]);
    });
});
