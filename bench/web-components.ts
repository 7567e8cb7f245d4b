/**
 * Page cost on a page of web components (issue 25): 500 custom elements that hold no media,
 * as a design system puts on a page, each with an open shadow root holding a label and an
 * icon that is a custom element with a root of its own (1,000 roots), and 20 players whose
 * `<video>` sits in an open shadow root beside a time display redrawn at each timeupdate (as
 * media-chrome's controls are). Measured in Chromium against the same page without the
 * tracker, in the same run:
 * - start: the time to evaluate the drop-in, its first search of the page included, beside
 *   the same on a page of the same 20 videos in the light DOM and no custom element;
 * - play: the script time the tracker adds while the 20 play at 4x, per timeupdate, beside
 *   the same on that light page (its videos' time displays redrawn too).
 */
import { chromium, type Browser } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveBelow, sendFile } from '../scripts/static-files.mjs';

const root = new URL('..', import.meta.url).pathname;
const TRACKER = 'dist/media-bridge-tracker.min.js';
const PLAYERS = 20;
const ELEMENTS = 500;

/** The page: `components` (the web components above) or `light` (the 20 videos alone); `tracker` loads the drop-in. */
function page(kind: 'components' | 'light', tracker: boolean): string {
  const define = `<script>
window.__bench = { timeupdates: 0 };
const define = (name, html, ready) => customElements.define(name, class extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = html; if (ready) ready(this.shadowRoot); }
});
define('x-icon', '<svg width="8" height="8"><rect width="8" height="8"/></svg>');
define('x-button', '<span part="label"><slot></slot></span><x-icon></x-icon>');
define('x-player', '<div><video src="/media/clip-60s.webm" preload="auto"></video><span part="time">0.0</span></div>', (root) => {
  const video = root.querySelector('video'), time = root.querySelector('span');
  video.addEventListener('timeupdate', () => { __bench.timeupdates++; time.textContent = video.currentTime.toFixed(1); });
});
</script>`;
  const body =
    kind == 'components'
      ? `${Array.from({ length: ELEMENTS }, (_, i) => `<x-button>Action ${i}</x-button>`).join('')}${Array.from({ length: PLAYERS }, (_, i) => `<x-player data-media-id="bench-${i}" data-media-track="on"></x-player>`).join('')}`
      : `${Array.from({ length: PLAYERS }, (_, i) => `<div><video src="/media/clip-60s.webm" preload="auto" data-media-id="bench-${i}" data-media-track="on" ontimeupdate="__bench.timeupdates++; this.nextSibling.textContent = this.currentTime.toFixed(1)"></video><span>0.0</span></div>`).join('')}`;
  const script = tracker ? `<script src="/${TRACKER}" data-endpoint="/media-events"></script>` : '';
  return `<!doctype html><html><head><title>web components</title>${define}</head><body>${body}${script}</body></html>`;
}

async function startServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname == '/media-events') {
      // A sink: this measures the page, not the proxy.
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    } else if (url.pathname == '/page')
      // Cross-origin isolated, for performance.now() at 5 µs rather than 100 µs.
      res
        .writeHead(200, { 'content-type': 'text/html', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' })
        .end(page(url.searchParams.get('kind') as 'components' | 'light', url.searchParams.has('tracker')));
    else if (url.pathname.startsWith('/media/')) sendFile(req, res, resolveBelow(join(root, 'e2e/media'), url.pathname.slice(7)));
    else if (url.pathname == `/${TRACKER}`) sendFile(req, res, join(root, TRACKER));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The page's 20 videos, wherever they are (in the light DOM, or in the players' roots). */
const videos = () =>
  [...document.querySelectorAll('video'), ...[...document.querySelectorAll('x-player')].map((p) => p.shadowRoot!.querySelector('video')!)];

/**
 * In a cross-origin isolated page (performance.now() to 5 µs): the time to run `src` as the
 * drop-in's tag, inline, inserted into the head, where it runs synchronously (page-cost.ts's
 * start rounds use it too). `compileMs` is the part before the script's first statement:
 * parsing the whole text and compiling its top level, which grows with the script's size; a
 * statement put in front of `src` reads the clock there, on the element (no global).
 */
export function inlineScriptMs(src: string): { ms: number; compileMs: number } {
  if (!crossOriginIsolated) throw new Error('the page must be cross-origin isolated');
  const s = document.createElement('script') as HTMLScriptElement & { ran?: number };
  s.setAttribute('data-endpoint', '/media-events');
  s.textContent = `document.currentScript.ran=performance.now();${src}`;
  const t0 = performance.now();
  document.head.appendChild(s);
  const ms = performance.now() - t0;
  return { ms, compileMs: s.ran! - t0 };
}

/** Time to evaluate the drop-in, inserted inline into a loaded page of `kind`, measured inside the page. */
async function startMs(browser: Browser, origin: string, kind: 'components' | 'light'): Promise<number> {
  const source = readFileSync(join(root, TRACKER), 'utf8');
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${origin}/page?kind=${kind}`);
  await tab.waitForFunction(`(${videos})().length == ${PLAYERS}`);
  const { ms } = await tab.evaluate(inlineScriptMs, source);
  await context.close();
  return ms;
}

/** One round on a page of `kind`: load, play all 20 at `rate` for `seconds`, read the script time and timeupdates. */
async function playRound(browser: Browser, origin: string, kind: 'components' | 'light', tracker: boolean, seconds: number, rate: number) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const scriptMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name == 'ScriptDuration')?.value ?? 0) * 1000;
  await tab.goto(`${origin}/page?kind=${kind}${tracker ? '&tracker' : ''}`);
  await tab.waitForFunction(`(${videos})().filter((v) => v.readyState >= 3).length == ${PLAYERS}`, undefined, { timeout: 30_000 });
  const before = await scriptMs();
  await tab.evaluate(`(${videos})().forEach((v) => { v.playbackRate = ${rate}; v.play(); })`);
  await tab.waitForTimeout(seconds * 1000); // the measured window itself, not a wait for a condition
  const ms = (await scriptMs()) - before;
  const timeupdates = (await tab.evaluate('__bench.timeupdates')) as number;
  const sessions = (await tab.evaluate(`(${videos})().filter((v) => v[Symbol.for('media-bridge')]).length`)) as number;
  await context.close();
  return { ms, timeupdates, sessions };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

export interface WebComponentsCost {
  elements: number;
  players: number;
  rounds: number;
  seconds: number;
  rate: number;
  /** Evaluating the drop-in with its first search, on the components page and on the light page (medians). */
  startMs: number;
  startMsLight: number;
  scriptMsOff: number;
  scriptMsOn: number;
  timeupdatesPerRound: number;
  usPerTimeupdate: number;
  /** The same on a page of the same 20 videos, and their time displays, in the light DOM. */
  usPerTimeupdateLight: number;
  /** Players whose video the tracker held, of 20, in its rounds (the least of them). */
  tracked: number;
}

export async function measureWebComponents({
  rounds = 3,
  seconds = 10,
  rate = 4,
  log = (_: string) => {},
}: { rounds?: number; seconds?: number; rate?: number; log?: (s: string) => void } = {}): Promise<WebComponentsCost> {
  const { server, origin } = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
  try {
    type Played = Awaited<ReturnType<typeof playRound>>;
    const played: Record<string, Played[]> = { 'components off': [], 'components on': [], 'light off': [], 'light on': [] };
    const start: number[] = [];
    const startLight: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Off and on in turn, the order rotated each round, so drift in the machine's load falls on all alike.
      const kinds = [['components', false], ['components', true], ['light', false], ['light', true]] as const;
      for (const [kind, tracker] of kinds.map((_, k) => kinds[(i + k) % kinds.length])) {
        const r = await playRound(browser, origin, kind, tracker, seconds, rate);
        played[`${kind} ${tracker ? 'on' : 'off'}`].push(r);
        log(`  web components round ${i + 1}/${rounds}, ${kind}, tracker ${tracker ? 'on' : 'off'}: script ${r.ms.toFixed(1)} ms, ${r.timeupdates} timeupdates`);
      }
      // The start is quick and noisy (a shared machine): three of each a round, and the median.
      for (let j = 0; j < 3; j++) {
        start.push(await startMs(browser, origin, 'components'));
        startLight.push(await startMs(browser, origin, 'light'));
      }
    }
    const ms = (key: string) => mean(played[key].map((r) => r.ms));
    const perUpdate = (kind: string) => {
      const updates = mean(played[`${kind} on`].map((r) => r.timeupdates));
      return updates ? ((ms(`${kind} on`) - ms(`${kind} off`)) * 1000) / updates : 0;
    };
    return {
      elements: ELEMENTS,
      players: PLAYERS,
      rounds,
      seconds,
      rate,
      startMs: median(start),
      startMsLight: median(startLight),
      scriptMsOff: ms('components off'),
      scriptMsOn: ms('components on'),
      timeupdatesPerRound: mean(played['components on'].map((r) => r.timeupdates)),
      usPerTimeupdate: perUpdate('components'),
      usPerTimeupdateLight: perUpdate('light'),
      tracked: Math.min(...played['components on'].map((r) => r.sessions)),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** The section of bench/results.md. */
export function webComponentsSection(w: WebComponentsCost, table: (head: string[], rows: (string | number)[][]) => string): string[] {
  const f = (n: number, digits = 1) => n.toFixed(digits);
  return [
    '',
    '## Page cost with web components',
    '',
    `${w.elements} custom elements without media (each with an open shadow root holding a custom element with a root of its own) and ${w.players} players with their \`<video>\` in an open shadow root beside a time display redrawn at each timeupdate, in Chromium; ${w.rounds} rounds with the tracker and without, in turn, playing at ${w.rate}× for ${w.seconds} s. The tracker held ${w.tracked} of the ${w.players} videos.`,
    '',
    table(
      ['figure', 'tracker off', 'tracker on', 'added by the tracker'],
      [
        ['evaluating the drop-in, its first search included (median)', '', '', `${f(w.startMs, 2)} ms (${f(w.startMsLight, 2)} ms with the ${w.players} videos in the light DOM and no custom element)`],
        ['script time per round (CDP ScriptDuration)', `${f(w.scriptMsOff)} ms`, `${f(w.scriptMsOn)} ms`, `${f(w.scriptMsOn - w.scriptMsOff)} ms`],
        ['timeupdate events handled per round', '', f(w.timeupdatesPerRound, 0), `${f(w.usPerTimeupdate)} µs each (${f(w.usPerTimeupdateLight)} µs with the ${w.players} videos and their time displays in the light DOM)`],
      ],
    ),
  ];
}
