/**
 * The proxy snippets of the README and docs/, run as written: each `// file: x.mjs` block is saved inside
 * the package (so `media-bridge-tracker/proxy` resolves to dist/ by the package's own
 * exports), then a small driver imports its export and uses it, in a fresh Node process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentationPages } from '../readme/pages.js';
import { ensureBuilt, ROOT } from './proxy-process.js';
import { startRedis } from './redis-server.js';
import { tempDir } from './temp-dirs.js';

const run = promisify(execFile);
const DIR = join(ROOT, '.test-results', 'readme-proxy');
const now = Date.now();
const event = (id: string) => ({ type: 'media-played', id, mediaType: 'VIDEO', occurredTimestamp: now, sessionId: 's', state: 'STARTED' });

/** Every `// file:` snippet of the README and of docs/*.md; a name used twice is an error. */
function snippets(): Map<string, string> {
  const out = new Map<string, string>();
  for (const page of documentationPages()) {
    for (const m of readFileSync(join(ROOT, page), 'utf8').matchAll(/```js\n(\/\/ file: (\S+)\n[\s\S]*?)```/g)) {
      if (out.has(m[2])) throw new Error(`${page}: a second snippet named ${m[2]}`);
      out.set(m[2], m[1]);
    }
  }
  return out;
}

/** Runs `driver` (an ES module) next to the snippets; resolves with what it printed as JSON. */
async function drive(name: string, driver: string, env: Record<string, string> = {}) {
  const file = join(DIR, `drive-${name}`);
  writeFileSync(file, driver);
  const cwd = tempDir('mbt-readme-');
  const { stdout } = await run(process.execPath, [file], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>, cwd };
}

const postBody = (id: string) => JSON.stringify({ events: [event(id)] });

beforeAll(() => {
  ensureBuilt();
  mkdirSync(DIR, { recursive: true });
  for (const [name, code] of snippets()) writeFileSync(join(DIR, name), code);
});

describe('the proxy snippets of the README and docs/', () => {
  it('has the snippets this test drives', () => {
    expect([...snippets().keys()].sort()).toEqual(['express-app.mjs', 'node-server.mjs', 'redis-app.mjs', 'vercel-function.mjs', 'watch.mjs', 'worker.mjs']);
  });

  it('redis-app.mjs: stores in the shared queue in Redis', async () => {
    const redis = await startRedis();
    try {
      const { result } = await drive(
        'redis-app.mjs',
        `import { once } from 'node:events';
const { app, proxy } = await import('./redis-app.mjs');
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = 'http://127.0.0.1:' + server.address().port;
const res = await fetch(url + '/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(postBody('r1'))} });
const health = await (await fetch(url + '/healthz')).json();
server.close();
await proxy.close();
console.log(JSON.stringify({ status: res.status, pending: health.outbox.pending, store: health.store }));`,
        { REDIS_URL: redis.url },
      );
      expect(result).toEqual({ status: 202, pending: 1, store: { kind: 'redis', queue: 'media-bridge', state: 'ready' } });
    } finally {
      await redis.stop();
    }
  });

  it('node-server.mjs: serves /media-events with the SQLite outbox', async () => {
    const { result, cwd } = await drive(
      'node-server.mjs',
      `import { once } from 'node:events';
const { proxy, server } = await import('./node-server.mjs');
if (!server.listening) await once(server, 'listening');
const url = 'http://127.0.0.1:' + server.address().port;
const res = await fetch(url + '/media-events', { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'https://www.example.com' }, body: ${JSON.stringify(postBody('n1'))} });
const health = await (await fetch(url + '/healthz')).json();
server.close();
await proxy.close();
console.log(JSON.stringify({ status: res.status, pending: health.outbox.pending, dryRun: health.dryRun }));`,
      { PORT: '0' },
    );
    expect(result).toEqual({ status: 202, pending: 1, dryRun: true });
    expect(existsSync(join(cwd, '.media-bridge', 'outbox.sqlite'))).toBe(true);
  });

  it('express-app.mjs: answers the proxy routes and leaves the rest to the app', async () => {
    const { result } = await drive(
      'express-app.mjs',
      `import { once } from 'node:events';
const { app } = await import('./express-app.mjs');
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = 'http://127.0.0.1:' + server.address().port;
const res = await fetch(url + '/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(postBody('e1'))} });
const home = await (await fetch(url + '/')).text();
server.close();
console.log(JSON.stringify({ status: res.status, home }));
process.exit(0);`,
    );
    expect(result).toEqual({ status: 202, home: 'your site' });
  });

  it('worker.mjs: a Worker-style fetch handler that forwards after answering', async () => {
    const { result } = await drive(
      'worker.mjs',
      `const worker = (await import('./worker.mjs')).default;
const waits = [];
const env = { SITE_ORIGIN: 'https://www.example.com' };
const ctx = { waitUntil: (p) => waits.push(p) };
const post = (origin) => worker.fetch(new Request('https://proxy.example.com/media-events', { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body: ${JSON.stringify(postBody('w1'))} }), env, ctx);
const ok = await post('https://www.example.com');
const evil = await post('https://evil.example');
await Promise.all(waits);
console.log(JSON.stringify({ ok: ok.status, body: await ok.json(), evil: evil.status, waited: waits.length }));`,
    );
    expect(result).toEqual({ ok: 202, body: { accepted: 1 }, evil: 403, waited: 2 });
  });

  it('vercel-function.mjs: POST and OPTIONS at /api/media-events, forwarding within the call', async () => {
    const { result } = await drive(
      'vercel-function.mjs',
      `const { POST, OPTIONS } = await import('./vercel-function.mjs');
const origin = 'https://www.example.com';
const post = (o, path = '/api/media-events') => POST(new Request('https://site.vercel.app' + path, { method: 'POST', headers: { 'content-type': 'text/plain', origin: o }, body: ${JSON.stringify(postBody('vf1'))} }));
const ok = await post(origin);
const evil = await post('https://evil.example');
const elsewhere = await post(origin, '/media-events');
const preflight = await OPTIONS(new Request('https://site.vercel.app/api/media-events', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }));
console.log(JSON.stringify({ ok: ok.status, body: await ok.json(), evil: evil.status, elsewhere: elsewhere.status, preflight: preflight.status, allow: preflight.headers.get('access-control-allow-origin') }));`,
      { SITE_ORIGIN: 'https://www.example.com' },
    );
    expect(result).toEqual({ ok: 202, body: { accepted: 1 }, evil: 403, elsewhere: 404, preflight: 204, allow: 'https://www.example.com' });
  });

  it('watch.mjs: listeners see events, and a dry run keeps them readable', async () => {
    const { result } = await drive(
      'watch.mjs',
      `import { createFetchHandler } from 'media-bridge-tracker/proxy';
const { proxy, seen, latest } = await import('./watch.mjs');
const handle = createFetchHandler(proxy);
const post = (body) => handle(new Request('http://localhost/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body }));
await post(${JSON.stringify(postBody('v1'))});
await post('{"events":[{"type":"nope"}]}');
const stored = await latest();
await proxy.close();
console.log(JSON.stringify({ seen, stored: stored.map((e) => [e.id, e.status]) }));`,
    );
    expect(result).toEqual({
      seen: [
        { id: 'v1', type: 'media-played', sessionId: 's', status: 'stored' },
        { status: 400, problems: [{ index: 0, field: 'type', code: 'unknown_type', problem: expect.any(String) }] },
      ],
      stored: [['v1', 'pending']],
    });
  });
});
