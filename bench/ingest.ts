/**
 * Proxy ingest: autocannon against the proxy's Node server (POST /media-events, realistic
 * two-event bodies with fresh ids, the durable SQLite outbox on), alternating with a bare
 * node:http server that only reads and JSON-parses the same bodies: the baseline. Same
 * machine, same connection count, same duration, in one run; the figure is the ratio.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startProxy, ROOT } from '../test/proxy/proxy-process.js';
import { twoEventBody } from './events.js';

export interface IngestRun {
  target: 'baseline' | 'proxy';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface IngestResult {
  connections: number;
  seconds: number;
  rounds: number;
  baseline: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  proxy: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  ratio: number;
  runs: IngestRun[];
}

async function startBaseline(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'bench/baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.once('data', (line: string) => resolve(JSON.parse(line).listening));
    child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}`)));
  });
  return { url, child };
}

export function load(url: string, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/media-events`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    requests: [
      {
        // Fresh ids on every request: repeated ids would measure only the duplicate path.
        setupRequest: (req) => ({ ...req, body: twoEventBody() }),
      },
    ],
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureIngest({
  connections = 20,
  seconds = 5,
  rounds = 3,
  log = (_: string) => {},
  dataDir,
}: {
  connections?: number;
  seconds?: number;
  rounds?: number;
  log?: (line: string) => void;
  dataDir: string;
}): Promise<IngestResult> {
  const baseline = await startBaseline();
  const proxy = await startProxy({ MEDIA_BRIDGE_DATA_DIR: dataDir, CLIENT_RATE_LIMIT: '0', LOG_LEVEL: 'warn' });
  const runs: IngestRun[] = [];
  try {
    // A short warm-up of each, so neither pays for JIT compilation inside the measured runs.
    await load(baseline.url, connections, 1);
    await load(proxy.url, connections, 1);
    for (let i = 0; i < rounds; i++) {
      const order: IngestRun['target'][] = i % 2 ? ['proxy', 'baseline'] : ['baseline', 'proxy'];
      for (const target of order) {
        const r = await load(target === 'proxy' ? proxy.url : baseline.url, connections, seconds);
        const run: IngestRun = {
          target,
          requestsPerSecond: r.requests.average,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors,
        };
        runs.push(run);
        log(`  ingest round ${i + 1}/${rounds}, ${target.padEnd(8)}: ${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, non-2xx ${run.non2xx}, errors ${run.errors}`);
      }
    }
  } finally {
    baseline.child.kill('SIGTERM');
    proxy.kill('SIGTERM');
    await proxy.exited;
  }
  const summary = (target: IngestRun['target']) => {
    const mine = runs.filter((r) => r.target === target);
    return {
      requestsPerSecond: median(mine.map((r) => r.requestsPerSecond)),
      p50Ms: median(mine.map((r) => r.p50Ms)),
      p99Ms: median(mine.map((r) => r.p99Ms)),
    };
  };
  const b = summary('baseline');
  const p = summary('proxy');
  return { connections, seconds, rounds, baseline: b, proxy: p, ratio: p.requestsPerSecond / b.requestsPerSecond, runs };
}
