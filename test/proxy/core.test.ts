/**
 * The ingest side of the core, through the Fetch-API handler (the runtime-neutral shell).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/proxy/http/fetch-handler.js';
import { createMediaBridgeProxy, type MediaBridgeProxy, type ProxyOptions } from '../../src/proxy/core.js';
import { silentLogger } from '../../src/proxy/log.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import { join } from 'node:path';
import { tempDir } from './temp-dirs.js';
import { MAX_BODY_BYTES } from '../../src/wire.js';
import { played, quartile } from './proxy-process.js';

const BASE = 'https://media.example.com';
const TOKEN = 'pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const proxies: MediaBridgeProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
});

function setup(options: ProxyOptions = {}) {
  const proxy = createMediaBridgeProxy({ logger: silentLogger, ...options });
  proxies.push(proxy);
  const handler = createFetchHandler(proxy, { clientIp: (r) => r.headers.get('x-test-ip') ?? undefined });
  const send = (events: unknown, headers: Record<string, string> = {}, body?: BodyInit) =>
    handler(
      new Request(`${BASE}/media-events`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: BASE, ...headers },
        body: body ?? JSON.stringify({ events }),
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit),
    );
  return { proxy, handler, send };
}

describe('ingest', () => {
  it('answers 202 with the count, stores the events, and tells the listeners', async () => {
    const { proxy, send } = setup();
    const seen: unknown[] = [];
    proxy.on('accepted', (n) => seen.push([n.id, n.type, n.sessionId, n.event.mediaName]));
    const res = await send([played('e1', 's1'), quartile('e2', 's1', 25)]);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2 });
    expect(res.headers.get('access-control-allow-origin')).toBe(BASE);
    expect(seen).toEqual([
      ['e1', 'media-played', 's1', 'e1'],
      ['e2', 'media-played-percent', 's1', 'e2'],
    ]);
    expect((await proxy.recent(10)).map((e) => [e.id, e.status])).toEqual([
      ['e2', 'pending'],
      ['e1', 'pending'],
    ]);
  });

  it('stores an over-long page URL and title shortened, in the durable outbox too', async () => {
    const outbox = new SqliteOutbox(join(tempDir('mbt-core-'), 'outbox.sqlite'));
    const { proxy, send } = setup({ outbox });
    const long = played('long1', 's1', { pageUrl: `https://example.com/?${'utm=1&'.repeat(500)}`, pageName: 't'.repeat(600) });
    const res = await send([long, quartile('long2', 's1', 25)]);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2 });
    const [, first] = await proxy.recent(10);
    expect(first.id).toBe('long1');
    expect(first.event.pageUrl).toHaveLength(2048);
    expect(first.event.pageName).toHaveLength(512);
    expect(await proxy.metrics()).toMatch(/^media_bridge_fields_shortened_total 2$/m);
  });

  it('accepts application/json too', async () => {
    const { send } = setup();
    expect((await send([played('j1', 's1')], { 'content-type': 'application/json' })).status).toBe(202);
  });

  it('answers a resent beacon with success and stores nothing twice', async () => {
    const { proxy, send } = setup();
    let accepted = 0;
    proxy.on('accepted', () => accepted++);
    await send([played('d1', 's1')]);
    const again = await send([played('d1', 's1'), quartile('d2', 's1', 25)]);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 2, duplicates: 1 });
    expect(accepted).toBe(2);
    expect((await proxy.health()).outbox.pending).toBe(2);
  });

  it('refuses a request with any invalid event, naming each problem, and stores none of it', async () => {
    const { proxy, send } = setup();
    const rejected: unknown[] = [];
    proxy.on('rejected', (r) => rejected.push(r.reason));
    const res = await send([played('ok', 's1'), { ...quartile('bad', 's1', 25), playedPercent: 140, contactId: 5 }]);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid events',
      problems: [
        { index: 1, field: 'playedPercent', code: 'out_of_range', problem: 'must be between 0 and 100' },
        { index: 1, field: 'contactId', code: 'contact_id_refused', problem: expect.stringContaining('contactUtk') },
      ],
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(BASE); // so the page can read why
    expect(await proxy.recent(10)).toEqual([]);
    expect(rejected).toEqual(['out_of_range']);
  });

  it.each([
    ['not JSON', '{"events": [', 'bad_json'],
    ['a prototype key', '{"events":[],"__proto__":{"x":1}}', 'forbidden_key'],
  ])('answers 400 to %s', async (_name, body, reason) => {
    const { proxy, send } = setup();
    const res = await send(undefined, {}, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.any(String) });
    expect(await proxy.metrics()).toContain(`media_bridge_requests_rejected_total{reason="${reason}"} 1`);
  });

  it('answers 413 to a body over 64 KiB, also when it streams in without a length', async () => {
    const { proxy, send } = setup();
    const big = JSON.stringify({ events: [{ ...played('big', 's1'), pageName: 'x'.repeat(MAX_BODY_BYTES) }] });
    expect((await send(undefined, {}, big)).status).toBe(413);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: the handler must stop reading it.
        pulled++;
        controller.enqueue(new TextEncoder().encode('x'.repeat(8192)));
      },
    });
    const res = await send(undefined, {}, stream);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20);
    expect(await proxy.recent(1)).toEqual([]);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const { send } = setup();
    // JSON allows trailing whitespace: pad a valid body to the limit, then one byte past it.
    const body = JSON.stringify({ events: [played('edge', 's1')] }).padEnd(MAX_BODY_BYTES, ' ');
    expect(new TextEncoder().encode(body).length).toBe(MAX_BODY_BYTES);
    expect((await send(undefined, {}, body)).status).toBe(202);
    expect((await send(undefined, {}, `${body} `)).status).toBe(413);
  });

  it.each([['application/x-www-form-urlencoded'], ['multipart/form-data'], ['text/plain; charset=iso-8859-1'], ['']])(
    'answers 415 to content type %j',
    async (type) => {
      const { send } = setup();
      const res = await send([played('t', 's')], { 'content-type': type });
      expect(res.status).toBe(415);
    },
  );

  it('answers 405 to other methods on the event path', async () => {
    const { handler } = setup();
    const res = await handler(new Request(`${BASE}/media-events`));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('origins', () => {
  it('admits the same origin only by default, and refuses others with 403 before reading', async () => {
    const { proxy, send } = setup();
    expect((await send([played('a', 's')], { origin: BASE })).status).toBe(202);
    const res = await send([played('b', 's')], { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await proxy.recent(10)).map((e) => e.id)).toEqual(['a']);
  });

  it('admits exactly the allowlist when one is set', async () => {
    const { send } = setup({ allowedOrigins: ['https://www.example.com'] });
    expect((await send([played('a', 's')], { origin: 'https://www.example.com' })).status).toBe(202);
    expect((await send([played('b', 's')], { origin: BASE })).status).toBe(403);
  });

  it('lets a request without Origin (a server, curl) through to validation', async () => {
    const { handler } = setup();
    const res = await handler(
      new Request(`${BASE}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events: [played('n', 's')] }) }),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight of an admitted origin, and refuses the others', async () => {
    const { handler } = setup({ allowedOrigins: ['https://www.example.com'] });
    const preflight = (origin: string) =>
      handler(new Request(`${BASE}/media-events`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }));
    const ok = await preflight('https://www.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(ok.headers.get('access-control-allow-headers')).toBe('Content-Type');
    expect(ok.headers.get('vary')).toBe('Origin');
    expect((await preflight('https://evil.example')).status).toBe(403);
  });
});

describe('per-client limit', () => {
  it('answers 429 with Retry-After to one address, not to another', async () => {
    const { send } = setup({ clientRateLimit: 3 });
    for (let i = 0; i < 3; i++) expect((await send([played(`a${i}`, 's')], { 'x-test-ip': '198.51.100.1' })).status).toBe(202);
    const limited = await send([played('a3', 's')], { 'x-test-ip': '198.51.100.1' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send([played('b0', 's')], { 'x-test-ip': '198.51.100.2' })).status).toBe(202);
  });

  it('takes the address from X-Forwarded-For only behind a trusted proxy', async () => {
    const trusting = setup({ clientRateLimit: 1, trustProxy: true });
    expect((await trusting.send([played('a', 's')], { 'x-forwarded-for': '203.0.113.1' })).status).toBe(202);
    expect((await trusting.send([played('b', 's')], { 'x-forwarded-for': '203.0.113.2' })).status).toBe(202);
    expect((await trusting.send([played('c', 's')], { 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);

    const plain = setup({ clientRateLimit: 1 });
    expect((await plain.send([played('a', 's')], { 'x-test-ip': '10.0.0.1', 'x-forwarded-for': '203.0.113.1' })).status).toBe(202);
    // A spoofed header does not buy a fresh bucket.
    expect((await plain.send([played('b', 's')], { 'x-test-ip': '10.0.0.1', 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
  });
});

describe('health, metrics and routing', () => {
  it('reports dry run, depth and the oldest pending age', async () => {
    let now = 1_800_000_000_000;
    const { proxy, send, handler } = setup({ now: () => now, validation: { maxEventAgeMs: Infinity, maxClockSkewMs: Infinity } });
    await send([played('h1', 's1'), quartile('h2', 's1', 25)]);
    now += 4000;
    const res = await handler(new Request(`${BASE}/healthz`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      dryRun: true,
      outbox: { pending: 2, oldestPendingAgeSeconds: 4, deadLetters: 0 },
      backlog: {
        policy: 'priority',
        afterSeconds: 30,
        active: false,
        waiting: { 'media-played': 1, 'media-played-percent': 1 },
        oldestAgeSeconds: 4,
        sendRatePerSecond: 0,
        drainSeconds: null,
        superseded: 0,
      },
      upstream: { state: 'dry-run', inFlight: 0, rateLimit: 90 },
      deadLetters: [],
      mediaObjects: { mode: 'off' },
    });
    expect(proxy.dryRun).toBe(true);
  });

  it('serves Prometheus text with received, rejected by reason and queue depth', async () => {
    const { send, handler } = setup();
    await send([played('m1', 's1'), quartile('m2', 's1', 25)]);
    await send([{ ...played('m3', 's1'), mediaType: 'GIF' }]);
    await send([played('m4', 's')], { origin: 'https://evil.example' });
    const res = await handler(new Request(`${BASE}/metrics`));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(text).toContain('media_bridge_events_received_total 3');
    expect(text).toContain('media_bridge_events_accepted_total 2');
    expect(text).toContain('media_bridge_requests_rejected_total{reason="not_allowed"} 1');
    expect(text).toContain('media_bridge_requests_rejected_total{reason="origin"} 1');
    expect(text).toContain('media_bridge_outbox_pending 2');
    expect(text).toContain('# TYPE media_bridge_upstream_latency_seconds histogram');
  });

  it('answers 404 to other paths, and can move or turn off its routes', async () => {
    const { handler } = setup({ paths: { events: '/collect', health: false } });
    expect((await handler(new Request(`${BASE}/media-events`, { method: 'POST' }))).status).toBe(404);
    expect((await handler(new Request(`${BASE}/healthz`))).status).toBe(404);
    expect((await handler(new Request(`${BASE}/metrics`))).status).toBe(200);
    const res = await handler(
      new Request(`${BASE}/collect?x=1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events: [played('p', 's')] }) }),
    );
    expect(res.status).toBe(202);
  });

  it('never reflects the token, whatever is asked', async () => {
    const { send, handler } = setup({ hubspot: { accessToken: TOKEN, apiBase: 'http://127.0.0.1:9' }, forward: false });
    const answers = await Promise.all([
      send([played('t1', 's')]),
      send([{ ...played('t2', 's'), mediaName: TOKEN.slice(0, 4) }, { bad: true }]),
      send(undefined, {}, `{"events":[{"authorization":"Bearer ${TOKEN}"}]}`),
      handler(new Request(`${BASE}/healthz`)),
      handler(new Request(`${BASE}/metrics`)),
      handler(new Request(`${BASE}/media-events`, { method: 'OPTIONS', headers: { origin: BASE } })),
    ]);
    for (const res of answers) {
      const text = (await res.text()) + JSON.stringify([...res.headers]);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/Bearer/);
    }
  });
});
