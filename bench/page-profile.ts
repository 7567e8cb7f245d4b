/**
 * Where the tracker's time goes on a page of many media playing: Chromium's CPU profile (CDP
 * Profiler, sampling every 100 µs) of the page-cost round, with the drop-in built unminified so
 * that its functions keep their names. Each sample is charged to the tracker's innermost
 * function on the stack (the browser's own work it calls, such as a storage write or a cookie
 * read, counts for the function that called it); `total` is the time a function was on the
 * stack at all.
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { mkdirSync, readFileSync } from 'node:fs';
import { rollup } from 'rollup';
import { launch, round, startServer, type CpuProfile } from './page-cost.js';

const root = new URL('..', import.meta.url).pathname;
const SCRIPT = '/bench/out/profiled.js';

/** The drop-in as dist/ has it, but not minified. */
export async function buildUnminified() {
  // Paths as rollup.config.mjs has them, from the project's root.
  process.chdir(root);
  mkdirSync('bench/out', { recursive: true });
  const bundle = await rollup({
    input: 'src/tracker/auto.ts',
    plugins: [
      nodeResolve({ browser: true }),
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { target: 'ES2019', noEmit: false, declaration: false, sourceMap: false, allowJs: false, outDir: 'bench/out' },
      }),
    ],
  });
  await bundle.write({ dir: 'bench/out', entryFileNames: 'profiled.js', format: 'iife' });
  await bundle.close();
}

export interface ProfileEntry {
  name: string;
  /** Milliseconds with this function the tracker's innermost on the stack. */
  selfMs: number;
  /** Milliseconds with this function anywhere on the stack. */
  totalMs: number;
}

export interface PageProfile {
  elements: number;
  rate: number;
  seconds: number;
  timeupdates: number;
  /** Milliseconds of samples with the tracker anywhere on the stack. */
  trackerMs: number;
  usPerTimeupdate: number;
  top: ProfileEntry[];
}

export function summarize(profile: CpuProfile, source: string[]): { trackerMs: number; entries: ProfileEntry[] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = (id: number) => nodes.get(id)!.callFrame.url.endsWith(SCRIPT);
  const name = (id: number) => {
    // An arrow function has no name: its line of the unminified build says which it is.
    const f = nodes.get(id)!.callFrame;
    return f.functionName || `(${source[f.lineNumber].trim().slice(0, 60)})`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let trackerMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    let innermost: string | undefined;
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id != null; id = parent.get(id)) {
      if (!ours(id)) continue;
      const n = name(id);
      innermost ??= n;
      if (!seen.has(n)) seen.add(n), total.set(n, (total.get(n) ?? 0) + ms);
    }
    if (innermost) {
      trackerMs += ms;
      self.set(innermost, (self.get(innermost) ?? 0) + ms);
    }
  }
  const entries = [...total].map(([n, t]) => ({ name: n, selfMs: self.get(n) ?? 0, totalMs: t }));
  return { trackerMs, entries };
}

export async function profilePage({ seconds = 10, rate = 4, elements = 20, top = 12 } = {}): Promise<PageProfile> {
  await buildUnminified();
  const { server, origin } = await startServer(elements);
  const browser = await launch();
  try {
    const r = await round(browser, origin, { tracker: 'profiled', seconds, rate, elements, profile: true });
    const { trackerMs, entries } = summarize(r.profile!, readFileSync(SCRIPT.slice(1), 'utf8').split('\n'));
    return {
      elements,
      rate,
      seconds,
      timeupdates: r.timeupdates,
      trackerMs,
      usPerTimeupdate: (trackerMs * 1000) / r.timeupdates,
      top: entries.sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

// `npx tsx bench/page-profile.ts`: the profile alone, as a table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const p = await profilePage();
  console.log(`${p.elements} media at ${p.rate}× for ${p.seconds} s: ${p.timeupdates} timeupdates, ${p.trackerMs.toFixed(1)} ms in the tracker, ${p.usPerTimeupdate.toFixed(1)} µs each`);
  for (const e of p.top) console.log(`${e.selfMs.toFixed(1).padStart(7)} ms self ${e.totalMs.toFixed(1).padStart(7)} ms total  ${e.name}`);
}
