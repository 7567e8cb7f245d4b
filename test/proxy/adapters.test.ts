/**
 * The Node-side shells: the node:http listener and the Express middleware, in process; and
 * the promise that `media-bridge-tracker/proxy` imports nothing Node-only.
 */
import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaBridgeProxy, type MediaBridgeProxy } from '../../src/proxy/core.js';
import { mediaBridgeMiddleware } from '../../src/proxy/http/express.js';
import { silentLogger } from '../../src/proxy/log.js';
import { createNodeHandler } from '../../src/proxy/http/node-adapter.js';
import { ensureBuilt, played, post, ROOT } from './proxy-process.js';

const servers: Server[] = [];
const proxies: MediaBridgeProxy[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const p of proxies.splice(0)) await p.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function proxy() {
  const p = createMediaBridgeProxy({ logger: silentLogger });
  proxies.push(p);
  return p;
}

describe('createNodeHandler', () => {
  it('serves the proxy on a plain node:http server, with a query string too', async () => {
    const p = proxy();
    const url = await listen(createNodeHandler(p));
    const res = await fetch(`${url}/media-events?v=1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events: [played('n1', 's')] }) });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-length')).toBe('14');
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
  });
});

describe('mediaBridgeMiddleware', () => {
  it('answers its routes and passes everything else on', async () => {
    const p = proxy();
    const app = express();
    app.use(mediaBridgeMiddleware(p));
    app.get('/', (_req, res) => void res.send('home page'));
    const url = await listen(app);
    expect((await post(url, [played('x1', 's')])).status).toBe(202);
    expect(await (await fetch(url)).text()).toBe('home page');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('works under a mount path', async () => {
    const p = proxy();
    const app = express();
    app.use('/api', mediaBridgeMiddleware(p));
    const url = await listen(app);
    expect((await post(`${url}/api`, [played('m1', 's')])).status).toBe(202);
    expect((await p.recent(1))[0].id).toBe('m1');
  });

  it.each([
    ['express.text()', express.text()],
    ['express.json()', express.json()],
    ['express.raw()', express.raw({ type: () => true })],
  ])('takes the body a parser already read (%s), still refusing bad input and prototype keys', async (_name, parser) => {
    const p = proxy();
    const app = express();
    app.use(parser);
    app.use(mediaBridgeMiddleware(p));
    const url = await listen(app);
    expect((await post(url, [played('b1', 's')], { 'content-type': 'application/json' })).status).toBe(202);
    expect((await post(url, [{ ...played('b2', 's'), state: 'NOPE' }], { 'content-type': 'application/json' })).status).toBe(400);
    const polluted = await fetch(`${url}/media-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"events":[${JSON.stringify(played('b3', 's')).slice(0, -1)},"__proto__":{"x":1}}]}`,
    });
    expect(polluted.status).toBe(400);
    expect((await p.recent(10)).map((e) => e.id)).toEqual(['b1']);
  });
});

describe('media-bridge-tracker/proxy at import time', () => {
  it('imports no node: module and no better-sqlite3, so a Worker can load it', () => {
    ensureBuilt();
    const seen = new Set<string>();
    const imports: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) walk(join(dirname(file), spec));
        else imports.push(spec);
      }
    };
    walk(join(ROOT, 'dist/proxy/index.js'));
    expect(seen.size).toBeGreaterThan(1);
    expect(imports).toEqual([]);
  });
});
