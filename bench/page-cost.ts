/**
 * Page cost: what the tracker adds to a page with many media elements playing.
 * A page with N media elements plays at R× for S seconds in Chromium, once with the tracker
 * and once without, alternating, for several rounds; the figures are differences between
 * the two, measured in the same run (CDP Performance.getMetrics), never absolute times.
 *
 * A third kind of round runs the reference build, the drop-in as it was before the attention
 * span and the resend queue (bench/reference/), so that what they cost each timeupdate is a
 * ratio measured in the same run too.
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

/** Which script a round's page runs: none, this build, or the reference build. */
export type Variant = 'off' | 'on' | 'reference';

const SCRIPTS: Record<Variant, string> = {
  off: '',
  on: '/dist/media-bridge-tracker.min.js',
  reference: '/bench/reference/before-attention-span.min.js',
};

function page(elements: number, variant: Variant): string {
  const media = Array.from(
    { length: elements },
    (_, i) => `<video src="/media/clip-60s.webm" preload="auto" data-media-track="on" data-media-id="bench-${i}"></video>`,
  ).join('\n');
  const script = SCRIPTS[variant] ? `<script src="${SCRIPTS[variant]}" data-endpoint="/media-events"></script>` : '';
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
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(elements, url.searchParams.get('tracker') as Variant));
    } else if (url.pathname === '/blank') {
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      res
        .writeHead(200, {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        })
        .end(page(elements, 'off'));
    } else if (url.pathname.startsWith('/media/')) {
      sendFile(req, res, resolveBelow(join(root, 'e2e/media'), url.pathname.slice(7)));
    } else if (url.pathname.startsWith('/dist/')) {
      sendFile(req, res, resolveBelow(join(root, 'dist'), url.pathname.slice(6)));
    } else if (url.pathname.startsWith('/bench/reference/')) {
      sendFile(req, res, resolveBelow(join(root, 'bench/reference'), url.pathname.slice(17)));
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
async function round(browser: Browser, origin: string, o: { tracker: Variant; seconds: number; rate: number; elements: number }): Promise<Round> {
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
  await tab.goto(`${origin}/page?tracker=${o.tracker}`);
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
async function evalTime(browser: Browser, origin: string, elements: number, variant: Variant): Promise<number> {
  const source = readFileSync(join(root, SCRIPTS[variant].slice(1)), 'utf8');
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
  /** The same figures for the reference build. */
  scriptMsReference: number;
  usPerTimeupdateReference: number;
  /** This build's cost per timeupdate over the reference build's. */
  ratioToReference: number;
  evalMs: number;
  evalMsReference: number;
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
    const by: Record<Variant, Round[]> = { off: [], on: [], reference: [] };
    // Each kind in turn, its order rotated each round, so that drift in the machine's load
    // falls on all three alike.
    const kinds: Variant[] = ['off', 'on', 'reference'];
    for (let i = 0; i < rounds; i++) {
      for (const tracker of kinds.map((_, k) => kinds[(i + k) % kinds.length])) {
        const r = await round(browser, origin, { tracker, seconds, rate, elements });
        by[tracker].push(r);
        log(`  page cost round ${i + 1}/${rounds}, tracker ${tracker}: script ${r.scriptMs.toFixed(1)} ms, ${r.timeupdates} timeupdates, ${r.longtasks.length} long tasks`);
      }
    }
    const { on, off, reference } = by;
    const evals: number[] = [];
    const evalsReference: number[] = [];
    for (let i = 0; i < rounds; i++) {
      evals.push(await evalTime(browser, origin, elements, 'on'));
      evalsReference.push(await evalTime(browser, origin, elements, 'reference'));
    }
    const scriptMsOff = mean(off.map((r) => r.scriptMs));
    const scriptMsOn = mean(on.map((r) => r.scriptMs));
    const updates = mean(on.map((r) => r.timeupdates));
    const scriptMsReference = mean(reference.map((r) => r.scriptMs));
    const updatesReference = mean(reference.map((r) => r.timeupdates));
    const perUpdate = (ms: number, n: number) => (n ? ((ms - scriptMsOff) * 1000) / n : 0);
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
      usPerTimeupdate: perUpdate(scriptMsOn, updates),
      scriptMsReference,
      usPerTimeupdateReference: perUpdate(scriptMsReference, updatesReference),
      ratioToReference: perUpdate(scriptMsOn, updates) / perUpdate(scriptMsReference, updatesReference),
      evalMs: mean(evals),
      evalMsReference: mean(evalsReference),
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
