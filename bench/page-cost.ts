/**
 * Page cost: what the tracker adds to a page with many media elements playing.
 * A page with N media elements plays at R× for S seconds in Chromium, once with the tracker
 * and once without, alternating, for several rounds; the figures are differences between
 * the two, measured in the same run (CDP Performance.getMetrics), never absolute times.
 *
 * Two more kinds of round make ratios from the same run: the reference build, the drop-in as
 * it was before the attention span and the resend queue (bench/reference/), and the floor
 * (bench/floor.js), the least a tracker must do: the same listeners and a MutationObserver,
 * reading the position on each event and doing nothing else. Start is timed the same way: the
 * drop-in's evaluation against the floor's, on pages of 0 and of N media.
 */
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveBelow, sendFile } from '../scripts/static-files.mjs';
import { inlineScriptMs } from './web-components.js';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--mute-audio'];

interface Probe {
  timeupdates: number;
  longtasks: number[];
  /** For each long animation frame: the milliseconds the page's own scripts (this bench's probes aside) ran in it. */
  scriptsInLongFrames: number[];
}
declare global {
  interface Window {
    __bench: Probe;
  }
}

/** Which script a round's page runs: none, this build, the reference build, the floor, or this build unminified (for a profile). */
export type Variant = 'off' | 'on' | 'reference' | 'floor' | 'profiled';

const SCRIPTS: Record<Variant, string> = {
  off: '',
  on: '/dist/media-bridge-tracker.min.js',
  reference: '/bench/reference/before-attention-span.min.js',
  floor: '/bench/floor.js',
  profiled: '/bench/out/profiled.js',
};

/**
 * An hour-long video, as a webinar is: 64×36 at 5 fps, made by ffmpeg once (bench/out/ is not
 * committed). The 60 s clip hides what grows with a media's length, such as its attention
 * span's 1 s spans (up to 1,000).
 */
const HOUR = 'bench/out/hour.webm';
function makeHour() {
  if (existsSync(join(root, HOUR))) return;
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=64x36:r=5', '-t', '3600', '-c:v', 'libvpx', '-b:v', '5k', '-g', '50', '-deadline', 'realtime'];
  const made = spawnSync('ffmpeg', [...args, join(root, HOUR)], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error(`ffmpeg could not make ${HOUR}`);
}

/**
 * The page of `elements` media (the 60 s clip, or the hour-long video if `hour`); `cached`:
 * its script from `/cached/`, which the browser may keep (see externalStart).
 */
function page(elements: number, variant: Variant, cached?: boolean, hour?: boolean): string {
  const src = hour ? `/${HOUR}` : '/media/clip-60s.webm';
  const media = Array.from(
    { length: elements },
    (_, i) => `<video src="${src}" preload="auto" data-media-track="on" data-media-id="bench-${i}"></video>`,
  ).join('\n');
  const script = cached ? `/cached/${variant}.js` : SCRIPTS[variant];
  const tag = SCRIPTS[variant] ? `<script src="${script}" data-endpoint="/media-events"></script>` : '';
  return `<!doctype html><html><head><title>page cost</title></head><body>${media}${tag}</body></html>`;
}

export async function startServer(elements: number) {
  let beacons = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/media-events') {
      // A sink: this measures the page, not the proxy.
      beacons++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    } else if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(elements, url.searchParams.get('tracker') as Variant, url.searchParams.has('cached'), url.searchParams.has('hour')));
    } else if (url.pathname.startsWith('/cached/')) {
      // A script as a site serves it: cacheable, so that Chromium keeps V8's code cache beside it.
      const variant = url.pathname.slice(8, -3) as Variant;
      if (!SCRIPTS[variant]) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600', 'last-modified': new Date(0).toUTCString() })
        .end(readFileSync(join(root, SCRIPTS[variant].slice(1))));
    } else if (url.pathname === '/blank') {
      const count = Number(url.searchParams.get('elements') ?? elements);
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      res
        .writeHead(200, {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        })
        .end(page(count, 'off'));
    } else if (url.pathname.startsWith('/media/')) {
      sendFile(req, res, resolveBelow(join(root, 'e2e/media'), url.pathname.slice(7)));
    } else if (url.pathname.startsWith('/dist/')) {
      sendFile(req, res, resolveBelow(join(root, 'dist'), url.pathname.slice(6)));
    } else if (url.pathname.startsWith('/bench/')) {
      sendFile(req, res, resolveBelow(join(root, 'bench'), url.pathname.slice(7)));
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
  scriptsInLongFrames: number[];
  /** Chromium's CPU profile of the measured window, when asked for. */
  profile?: CpuProfile;
}

/** The parts of a CDP `Profiler.Profile` the bench reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** One round: load, start all media at `rate`, let them play `seconds`, read the deltas. */
export async function round(
  browser: Browser,
  origin: string,
  o: { tracker: Variant; seconds: number; rate: number; elements: number; profile?: boolean; hour?: boolean },
): Promise<Round> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await tab.addInitScript(() => {
    window.__bench = { timeupdates: 0, longtasks: [], scriptsInLongFrames: [] };
    document.addEventListener('timeupdate', () => window.__bench.timeupdates++, true);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longtasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // Long Animation Frames name the scripts that ran in a long frame, and for how long: on a
    // loaded machine a frame can be long with no script in it (the floor's rounds have them too).
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { scripts: { sourceURL: string; duration: number }[] })[])
        window.__bench.scriptsInLongFrames.push(e.scripts.filter((x) => /\/(dist|bench)\//.test(x.sourceURL)).reduce((ms, x) => ms + x.duration, 0));
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
  await tab.goto(`${origin}/page?tracker=${o.tracker}${o.hour ? '&hour' : ''}`);
  await tab.waitForFunction((n) => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 3).length === n, o.elements, {
    timeout: 30_000,
  });
  if (o.profile) {
    await cdp.send('Profiler.enable');
    // 100 µs between samples: a timeupdate's work is tens of µs.
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  const before = await metric(cdp, 'ScriptDuration');
  await tab.evaluate((r) => {
    for (const v of document.querySelectorAll('video')) {
      v.playbackRate = r;
      void v.play();
    }
  }, o.rate);
  await tab.waitForTimeout(o.seconds * 1000); // the measured window itself, not a wait for a condition
  const after = await metric(cdp, 'ScriptDuration');
  const profile = o.profile ? ((await cdp.send('Profiler.stop')).profile as CpuProfile) : undefined;
  const probe = await tab.evaluate(() => window.__bench);
  await context.close();
  return { scriptMs: (after - before) * 1000, ...probe, profile };
}

/**
 * Time to evaluate a script (including its first scan of the page), measured inside a fresh
 * page of `elements` media: an inline script runs synchronously on insertion.
 */
async function evalTime(browser: Browser, origin: string, elements: number, variant: Variant): Promise<{ ms: number; compileMs: number }> {
  const source = readFileSync(join(root, SCRIPTS[variant].slice(1)), 'utf8');
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${origin}/blank?elements=${elements}`);
  await tab.waitForFunction((n) => document.querySelectorAll('video').length === n, elements);
  try {
    return await tab.evaluate(inlineScriptMs, source);
  } finally {
    await context.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Start on a page of `elements` media: each script's evaluation, medians of alternating
 * rounds, and the part of it before the script's first statement (parsing and compiling its
 * top level, which depends on the script's size, not on what it does), and the rest (running
 * it, with the lazy compiling of each function as it is first called).
 */
export interface StartCost {
  elements: number;
  rounds: number;
  msOn: number;
  msFloor: number;
  msReference: number;
  /** The drop-in's over the floor's. */
  ratioToFloor: number;
  /** The part before each script's first statement. */
  compileMsOn: number;
  compileMsFloor: number;
  compileMsReference: number;
  /** What is left: the median of each round's evaluation less its compiling. */
  runMsOn: number;
  runMsFloor: number;
  runMsReference: number;
}

type Compared = 'on' | 'floor' | 'reference';

/** `measure` of the drop-in, the floor and the reference, `rounds` times each, their order turned each round. */
async function alternating<T>(rounds: number, measure: (variant: Compared) => Promise<T>): Promise<Record<Compared, T[]>> {
  const times: Record<Compared, T[]> = { on: [], floor: [], reference: [] };
  const order: Compared[] = ['on', 'floor', 'reference'];
  for (let i = 0; i < rounds; i++)
    for (const variant of i % 2 ? [...order].reverse() : order) times[variant].push(await measure(variant));
  return times;
}

async function startCost(browser: Browser, origin: string, elements: number, rounds: number): Promise<StartCost> {
  type Times = { ms: number; compileMs: number }[];
  const times = await alternating(rounds, (variant) => evalTime(browser, origin, elements, variant));
  const total = (ts: Times) => median(ts.map((t) => t.ms));
  const compile = (ts: Times) => median(ts.map((t) => t.compileMs));
  const run = (ts: Times) => median(ts.map((t) => t.ms - t.compileMs));
  const msOn = total(times.on);
  const msFloor = total(times.floor);
  return {
    elements,
    rounds,
    msOn,
    msFloor,
    msReference: total(times.reference),
    ratioToFloor: msOn / msFloor,
    compileMsOn: compile(times.on),
    compileMsFloor: compile(times.floor),
    compileMsReference: compile(times.reference),
    runMsOn: run(times.on),
    runMsFloor: run(times.floor),
    runMsReference: run(times.reference),
  };
}

/**
 * Start as a site's pages have it: the script by its URL, in a page of `elements` media,
 * loaded three times in one browser context, as a visitor's first, second and third page
 * views. Chromium parses an external script off the main thread, and from the third view on
 * runs it from V8's code cache, kept beside the cached script (https://v8.dev/blog/code-caching-for-devs).
 * The figure is the main thread's: Chromium's trace event EvaluateScript for the script (its
 * compile and its run), in ms.
 */
export interface ExternalStart {
  elements: number;
  rounds: number;
  /** The drop-in's first and third page views over the floor's (from `views`). */
  ratioColdToFloor: number;
  ratioHotToFloor: number;
  /**
   * For each script (medians): its EvaluateScript in the first, second (where V8 makes the
   * code cache) and third page views, and the main thread's compiling in the first (V8's
   * trace events V8.CompileCode on the main thread: each function compiled there, as it is
   * first called, where it was not compiled off the main thread as the script loaded). Wall
   * times on a shared machine move with whatever else the page does; the compiling is the
   * steadier figure.
   */
  views: Record<Compared, { first: number; second: number; third: number; firstCompiling: number }>;
}

interface ViewTimes {
  cold: number;
  warm: number;
  hot: number;
  coldCompiling: number;
}

/** The first, second and third page view's EvaluateScript of `variant`'s script, in one context, and the first's compiling on the main thread; throws if the third did not use the code cache. */
async function externalStartTimes(browser: Browser, origin: string, variant: Variant): Promise<ViewTimes> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const url = `/cached/${variant}.js`;
  const views: { ms: number; compiling: number; consumed: number }[] = [];
  try {
    for (let view = 0; view < 3; view++) {
      await browser.startTracing(tab, { categories: ['devtools.timeline', 'v8', 'disabled-by-default-v8.compile'] });
      await tab.goto(`${origin}/page?tracker=${variant}&cached`, { waitUntil: 'load' });
      const { traceEvents } = JSON.parse(String(await browser.stopTracing())) as {
        traceEvents: { name: string; tid: number; dur?: number; args?: { data?: { url?: string; consumedCacheSize?: number } } }[];
      };
      const mine = traceEvents.filter((e) => String(e.args?.data?.url ?? '').endsWith(url));
      const evaluated = mine.filter((e) => e.name == 'EvaluateScript');
      if (evaluated.length != 1) throw new Error(`${variant}: ${evaluated.length} EvaluateScript events for ${url} in page view ${view + 1}`);
      const main = evaluated[0].tid;
      views.push({
        ms: (evaluated[0].dur ?? 0) / 1000,
        // The page runs no other script (the floor's page neither): what the main thread compiled is this one's.
        compiling: traceEvents.filter((e) => e.tid == main && e.name == 'V8.CompileCode').reduce((ms, e) => ms + (e.dur ?? 0) / 1000, 0),
        consumed: mine.reduce((n, e) => n + (e.args?.data?.consumedCacheSize ?? 0), 0),
      });
    }
  } finally {
    await context.close();
  }
  if (!views[2].consumed) throw new Error(`${variant}: the third page view did not use V8's code cache`);
  return { cold: views[0].ms, warm: views[1].ms, hot: views[2].ms, coldCompiling: views[0].compiling };
}

async function externalStart(browser: Browser, origin: string, elements: number, rounds: number): Promise<ExternalStart> {
  const times = await alternating(rounds, (variant) => externalStartTimes(browser, origin, variant));
  const views = Object.fromEntries(
    Object.entries(times).map(([v, ts]) => [
      v,
      {
        first: median(ts.map((t) => t.cold)),
        second: median(ts.map((t) => t.warm)),
        third: median(ts.map((t) => t.hot)),
        firstCompiling: median(ts.map((t) => t.coldCompiling)),
      },
    ]),
  ) as ExternalStart['views'];
  return {
    elements,
    rounds,
    ratioColdToFloor: views.on.first / views.floor.first,
    ratioHotToFloor: views.on.third / views.floor.third,
    views,
  };
}

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
  /** The same figures for the floor script. */
  scriptMsFloor: number;
  usPerTimeupdateFloor: number;
  /** This build's cost per timeupdate over the floor's. */
  ratioToFloor: number;
  /** Start, on a page without media and on the page of `elements` media. */
  start: StartCost[];
  /** The same page with the hour-long video (a webinar), played at 1× for `hour.seconds` s: the same kinds of round, the same figures. */
  hour?: HourCost;
  /** Start as an external script, a first, second and third page view, on the page of `elements` media. */
  externalStart: ExternalStart;
  longTasksOn: number;
  longTasksOff: number;
  /** Long tasks in which the tracker's own scripts ran 50 ms or more (Long Animation Frames' script attribution). */
  longTasksCharged: number;
  /** The most the tracker's scripts ran in any long animation frame, in ms. */
  mostScriptInALongFrame: number;
  beacons: number;
}

export interface HourCost {
  rounds: number;
  seconds: number;
  timeupdatesPerRound: number;
  usPerTimeupdate: number;
  usPerTimeupdateReference: number;
  usPerTimeupdateFloor: number;
  ratioToReference: number;
}

type Kind = 'off' | 'on' | 'reference' | 'floor';

/** Rounds of each kind, `rounds` times, the order rotated each round so that drift in the machine's load falls on all of them alike. */
async function roundsOfEach(rounds: number, play: (tracker: Kind) => Promise<Round>, log: (s: string) => void, what: string) {
  const by: Record<Kind, Round[]> = { off: [], on: [], reference: [], floor: [] };
  const kinds = Object.keys(by) as Kind[];
  for (let i = 0; i < rounds; i++) {
    for (const tracker of kinds.map((_, k) => kinds[(i + k) % kinds.length])) {
      const r = await play(tracker);
      by[tracker].push(r);
      log(`  ${what} round ${i + 1}/${rounds}, tracker ${tracker}: script ${r.scriptMs.toFixed(1)} ms, ${r.timeupdates} timeupdates, ${r.longtasks.length} long tasks`);
    }
  }
  const scriptMsOff = mean(by.off.map((r) => r.scriptMs));
  const script = (rs: Round[]) => mean(rs.map((r) => r.scriptMs));
  // What a kind of round added to the page's script time, per timeupdate it handled.
  const perUpdate = (rs: Round[]) => {
    const n = mean(rs.map((r) => r.timeupdates));
    return n ? ((script(rs) - scriptMsOff) * 1000) / n : 0;
  };
  return { by, scriptMsOff, script, perUpdate };
}

export async function measurePageCost({
  rounds = 3,
  seconds = 10,
  rate = 4,
  elements = 20,
  startRounds = 15,
  log = (_: string) => {},
  hourSeconds = 15,
}: { rounds?: number; seconds?: number; rate?: number; elements?: number; startRounds?: number; log?: (s: string) => void; hourSeconds?: number } = {}): Promise<PageCost> {
  const { server, origin, beacons } = await startServer(elements);
  const browser = await launch();
  try {
    const { by, scriptMsOff, script, perUpdate } = await roundsOfEach(rounds, (tracker) => round(browser, origin, { tracker, seconds, rate, elements }), log, 'page cost');
    let hour: HourCost | undefined;
    if (hourSeconds) {
      makeHour();
      const h = await roundsOfEach(rounds, (tracker) => round(browser, origin, { tracker, seconds: hourSeconds, rate: 1, elements, hour: true }), log, 'hour-long video');
      hour = {
        rounds,
        seconds: hourSeconds,
        timeupdatesPerRound: mean(h.by.on.map((r) => r.timeupdates)),
        usPerTimeupdate: h.perUpdate(h.by.on),
        usPerTimeupdateReference: h.perUpdate(h.by.reference),
        usPerTimeupdateFloor: h.perUpdate(h.by.floor),
        ratioToReference: h.perUpdate(h.by.on) / h.perUpdate(h.by.reference),
      };
    }
    const start: StartCost[] = [];
    for (const n of [0, elements]) {
      const s = await startCost(browser, origin, n, startRounds);
      start.push(s);
      log(
        `  start, ${n} media: ${s.msOn.toFixed(3)} ms (compile ${s.compileMsOn.toFixed(3)}), floor ${s.msFloor.toFixed(3)} ms (compile ${s.compileMsFloor.toFixed(3)}), reference ${s.msReference.toFixed(3)} ms (compile ${s.compileMsReference.toFixed(3)}) (medians of ${startRounds})`,
      );
    }
    const external = await externalStart(browser, origin, elements, startRounds);
    log(
      `  start as an external script, ${elements} media: first view ${external.views.on.first.toFixed(3)} ms (floor ${external.views.floor.first.toFixed(3)}), third view from the code cache ${external.views.on.third.toFixed(3)} ms (floor ${external.views.floor.third.toFixed(3)}) (medians of ${startRounds})`,
    );
    const { on, off, reference, floor } = by;
    // Long tasks happen on a loaded machine whatever runs (the floor's rounds have them): one is
    // charged to the tracker when its own scripts ran 50 ms or more of a long animation frame.
    const longTasksOn = on.reduce((n, r) => n + r.longtasks.length, 0);
    const longTasksOff = off.reduce((n, r) => n + r.longtasks.length, 0);
    const longTasksCharged = on.reduce((n, r) => n + r.scriptsInLongFrames.filter((ms) => ms >= 50).length, 0);
    const mostScriptInALongFrame = Math.max(0, ...on.flatMap((r) => r.scriptsInLongFrames));
    return {
      elements,
      rate,
      seconds,
      rounds,
      scriptMsOff,
      scriptMsOn: script(on),
      addedScriptMs: script(on) - scriptMsOff,
      timeupdatesPerRound: mean(on.map((r) => r.timeupdates)),
      usPerTimeupdate: perUpdate(on),
      scriptMsReference: script(reference),
      usPerTimeupdateReference: perUpdate(reference),
      ratioToReference: perUpdate(on) / perUpdate(reference),
      scriptMsFloor: script(floor),
      usPerTimeupdateFloor: perUpdate(floor),
      ratioToFloor: perUpdate(on) / perUpdate(floor),
      start,
      hour,
      externalStart: external,
      longTasksOn,
      longTasksOff,
      longTasksCharged,
      mostScriptInALongFrame,
      beacons: beacons(),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

export const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
