/**
 * Page cost: what the tracker adds to a page with many media elements playing.
 * A page with N media elements plays at R× for S seconds in Chromium, once with the tracker
 * and once without, alternating, for several rounds; the figures are differences between
 * the two, measured in the same run (CDP Performance.getMetrics), never absolute times.
 */
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveBelow, sendFile } from '../scripts/static-files.mjs';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--mute-audio'];

interface Probe {
  timeupdates: number;
  longtasks: number[];
}
declare global {
  interface Window {
    __bench: Probe;
  }
}

function page(elements: number, tracker: boolean): string {
  const media = Array.from(
    { length: elements },
    (_, i) => `<video src="/media/clip-60s.webm" preload="auto" data-media-track="on" data-media-id="bench-${i}"></video>`,
  ).join('\n');
  const script = tracker ? '<script src="/dist/media-bridge-tracker.min.js" data-endpoint="/media-events"></script>' : '';
  return `<!doctype html><html><head><title>page cost</title></head><body>${media}${script}</body></html>`;
}

async function startServer(elements: number) {
  let beacons = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/media-events') {
      // A sink: this measures the page, not the proxy.
      beacons++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    } else if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(elements, url.searchParams.get('tracker') === 'on'));
    } else if (url.pathname === '/blank') {
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      res
        .writeHead(200, {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        })
        .end(page(elements, false));
    } else if (url.pathname.startsWith('/media/')) {
      sendFile(req, res, resolveBelow(join(root, 'e2e/media'), url.pathname.slice(7)));
    } else if (url.pathname.startsWith('/dist/')) {
      sendFile(req, res, resolveBelow(join(root, 'dist'), url.pathname.slice(6)));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, beacons: () => beacons };
}

const metric = async (cdp: CDPSession, name: string) =>
  (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;

interface Round {
  scriptMs: number;
  timeupdates: number;
  longtasks: number[];
}

/** One round: load, start all media at `rate`, let them play `seconds`, read the deltas. */
async function round(browser: Browser, origin: string, o: { tracker: boolean; seconds: number; rate: number; elements: number }): Promise<Round> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await tab.addInitScript(() => {
    window.__bench = { timeupdates: 0, longtasks: [] };
    document.addEventListener('timeupdate', () => window.__bench.timeupdates++, true);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longtasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await tab.goto(`${origin}/page?tracker=${o.tracker ? 'on' : 'off'}`);
  await tab.waitForFunction((n) => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 3).length === n, o.elements, {
    timeout: 30_000,
  });
  const before = await metric(cdp, 'ScriptDuration');
  await tab.evaluate((r) => {
    for (const v of document.querySelectorAll('video')) {
      v.playbackRate = r;
      void v.play();
    }
  }, o.rate);
  await tab.waitForTimeout(o.seconds * 1000); // the measured window itself, not a wait for a condition
  const after = await metric(cdp, 'ScriptDuration');
  const probe = await tab.evaluate(() => window.__bench);
  await context.close();
  return { scriptMs: (after - before) * 1000, ...probe };
}

/** Time to evaluate the IIFE (including its first scan of the page), measured inside the page. */
async function evalTime(browser: Browser, origin: string, elements: number): Promise<number> {
  const source = readFileSync(join(root, 'dist/media-bridge-tracker.min.js'), 'utf8');
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${origin}/blank`);
  await tab.waitForFunction((n) => document.querySelectorAll('video').length === n, elements);
  const ms = await tab.evaluate((src) => {
    if (!crossOriginIsolated) throw new Error('the eval-time page must be cross-origin isolated');
    const s = document.createElement('script');
    s.setAttribute('data-endpoint', '/media-events');
    s.textContent = src;
    const t0 = performance.now();
    document.head.appendChild(s); // an inline script runs synchronously on insertion
    return performance.now() - t0;
  }, source);
  await context.close();
  return ms;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

export interface PageCost {
  elements: number;
  rate: number;
  seconds: number;
  rounds: number;
  scriptMsOff: number;
  scriptMsOn: number;
  addedScriptMs: number;
  timeupdatesPerRound: number;
  usPerTimeupdate: number;
  evalMs: number;
  longTasksOn: number;
  longTasksOff: number;
  longTasksCharged: number;
  beacons: number;
}

export async function measurePageCost({
  rounds = 3,
  seconds = 10,
  rate = 4,
  elements = 20,
  log = (_: string) => {},
}: { rounds?: number; seconds?: number; rate?: number; elements?: number; log?: (s: string) => void } = {}): Promise<PageCost> {
  const { server, origin, beacons } = await startServer(elements);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const on: Round[] = [];
    const off: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const tracker of i % 2 ? [true, false] : [false, true]) {
        const r = await round(browser, origin, { tracker, seconds, rate, elements });
        (tracker ? on : off).push(r);
        log(`  page cost round ${i + 1}/${rounds}, tracker ${tracker ? 'on ' : 'off'}: script ${r.scriptMs.toFixed(1)} ms, ${r.timeupdates} timeupdates, ${r.longtasks.length} long tasks`);
      }
    }
    const evals: number[] = [];
    for (let i = 0; i < rounds; i++) evals.push(await evalTime(browser, origin, elements));
    const scriptMsOff = mean(off.map((r) => r.scriptMs));
    const scriptMsOn = mean(on.map((r) => r.scriptMs));
    const updates = mean(on.map((r) => r.timeupdates));
    // A long task seen with the tracker on but not in the paired baseline is charged to it.
    const longTasksOn = on.reduce((n, r) => n + r.longtasks.length, 0);
    const longTasksOff = off.reduce((n, r) => n + r.longtasks.length, 0);
    return {
      elements,
      rate,
      seconds,
      rounds,
      scriptMsOff,
      scriptMsOn,
      addedScriptMs: scriptMsOn - scriptMsOff,
      timeupdatesPerRound: updates,
      usPerTimeupdate: updates ? ((scriptMsOn - scriptMsOff) * 1000) / updates : 0,
      evalMs: mean(evals),
      longTasksOn,
      longTasksOff,
      longTasksCharged: Math.max(0, longTasksOn - longTasksOff),
      beacons: beacons(),
    };
  } finally {
    await browser.close();
    server.close();
  }
}
