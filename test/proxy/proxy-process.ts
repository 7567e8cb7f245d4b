/**
 * Starts the real proxy (`node bin/media-bridge-proxy.js`) as a child process, on port 0,
 * and reads its bound address from its start-up log line. Free of vitest, so the benchmark
 * drives the proxy the same way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './fake-hubspot.js';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface ProxyProcess {
  url: string;
  child: ChildProcess;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** The stdout lines that parsed as JSON. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has ended and all its output is in `lines`. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

export async function startProxy(env: Record<string, string>, timeoutMs = 20_000): Promise<ProxyProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, ['bin/media-bridge-proxy.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let url: string | undefined;
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (!url) {
          try {
            const rec = JSON.parse(line) as { url?: string };
            if (rec.url) url = rec.url;
          } catch {
            /* not a JSON line */
          }
        }
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  // 'close', not 'exit': at 'exit' the last lines it wrote (say, "stopped") may not be read yet.
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  let ended = false;
  void exited.then(() => (ended = true));
  await waitFor(() => url !== undefined || ended, timeoutMs, 'the proxy to print its address');
  if (!url) throw new Error(`the proxy did not start:\n${lines.join('\n')}`);
  return {
    url,
    child,
    lines,
    logs: () =>
      lines.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/**
 * Builds dist/ when a source file is newer than the built CLI (`npm test` builds first;
 * this covers `npx vitest`). Test files run in parallel, so a lock directory serialises it.
 */
export function ensureBuilt(): void {
  const lock = join(ROOT, '.test-results', 'build.lock');
  if (!stale()) return;
  mkdirSync(join(ROOT, '.test-results'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker holds the lock and is building: wait for it to let go.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (stale()) {
      const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('npm run build failed');
    }
  } finally {
    rmdirSync(lock);
  }
}

function stale(): boolean {
  let built: number;
  try {
    built = statSync(join(ROOT, 'dist/proxy/cli.js')).mtimeMs;
  } catch {
    return true;
  }
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  return Math.max(newest(join(ROOT, 'src/proxy')), statSync(join(ROOT, 'src/wire.ts')).mtimeMs) > built;
}

/** Realistic wire events for tests. */
export function played(id: string, sessionId: string, extra: Record<string, unknown> = {}) {
  return { type: 'media-played', id, mediaType: 'VIDEO', occurredTimestamp: Date.now(), sessionId, state: 'STARTED', mediaName: id, ...extra };
}

export function quartile(id: string, sessionId: string, playedPercent: number, extra: Record<string, unknown> = {}) {
  return { type: 'media-played-percent', id, mediaType: 'VIDEO', occurredTimestamp: Date.now(), sessionId, playedPercent, mediaName: id, ...extra };
}

/** POSTs a beacon body. */
export function post(url: string, events: unknown[], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/media-events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ events }),
  });
}
