/**
 * The real Node server (`node bin/media-bridge-proxy.js`) as a child process: start-up,
 * the node:http adapter's body cap, CORS, the per-IP limit, health and metrics, secrets,
 * OAuth, and SIGTERM.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, quartile, startProxy, type ProxyProcess } from './proxy-process.js';
import { tempDataDir } from './temp-dirs.js';

const TOKEN = 'pat-na1-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
const running: ProxyProcess[] = [];
const fakes: FakeHubSpot[] = [];

async function start(env: Record<string, string>) {
  const p = await startProxy({ MEDIA_BRIDGE_DATA_DIR: tempDataDir(), ...env });
  running.push(p);
  return p;
}

afterEach(async () => {
  for (const p of running.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  for (const f of fakes.splice(0)) await f.close();
});

/**
 * Sends a chunked body of `size` bytes with no Content-Length; resolves with the status, or
 * with the error if the server cut the connection first.
 */
function chunkedPost(url: string, size: number): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(`${url}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    let sent = 0;
    const chunk = Buffer.alloc(4096, 'x');
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('the Node server', () => {
  it('says it runs dry, with its bound address, and stores what it accepts', async () => {
    const p = await start({});
    const line = p.logs()[0];
    expect(line).toMatchObject({ level: 'info', dryRun: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(String(line.msg)).toMatch(/dry run/);
    const res = await post(p.url, [played('s1', 'sess')]);
    expect(res.status).toBe(202);
    expect(res.headers.get('content-length')).toBe(String('{"accepted":1}'.length));
    const health = await (await fetch(`${p.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, dryRun: true, outbox: { pending: 1 }, upstream: { state: 'dry-run' } });
  });

  it('answers 413 to an oversized chunked body, and to a declared one, without reading it all', async () => {
    const p = await start({});
    expect(await chunkedPost(p.url, 1024 * 1024)).toEqual({ status: 413 });
    // An endless body is cut off rather than read for ever.
    const endless = await chunkedPost(p.url, 64 * 1024 * 1024);
    expect(String('status' in endless ? endless.status : endless.error)).toMatch(/^(413|EPIPE|ECONNRESET)$/);
    const declared = await fetch(`${p.url}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(70_000) });
    expect(declared.status).toBe(413);
    // The server is fine afterwards.
    expect((await post(p.url, [played('after', 's')])).status).toBe(202);
  });

  it('answers bad input with a JSON body naming index and field', async () => {
    const p = await start({});
    const res = await post(p.url, [played('ok', 's'), { ...quartile('bad', 's', 25), playedPercent: '25', pageUrl: '' }]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      error: 'invalid events',
      problems: [
        { index: 1, field: 'playedPercent', code: 'wrong_type', problem: 'must be an integer' },
        { index: 1, field: 'pageUrl', code: 'empty', problem: 'must be left out rather than sent empty' },
      ],
    });
    const health = await (await fetch(`${p.url}/healthz`)).json();
    expect(health.outbox.pending).toBe(0);
  });

  it('admits the allowed origins, with CORS headers, and refuses others', async () => {
    const p = await start({ ALLOWED_ORIGINS: 'https://www.example.com,https://shop.example.com' });
    const ok = await post(p.url, [played('o1', 's')], { origin: 'https://shop.example.com' });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(ok.headers.get('vary')).toBe('Origin');
    const evil = await post(p.url, [played('o2', 's')], { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${p.url}/media-events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    const health = await (await fetch(`${p.url}/healthz`)).json();
    expect(health.outbox.pending).toBe(1);
  });

  it('limits each client IP, from X-Forwarded-For behind a trusted proxy', async () => {
    const p = await start({ CLIENT_RATE_LIMIT: '5', TRUST_PROXY: '1' });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(p.url, [played(`l${i}`, 's')], { 'x-forwarded-for': '198.51.100.7' })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    expect((await post(p.url, [played('other', 's')], { 'x-forwarded-for': '198.51.100.8' })).status).toBe(202);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toContain('media_bridge_requests_rejected_total{reason="client_rate_limit"} 2');
  });

  it('serves health and Prometheus metrics', async () => {
    const p = await start({});
    await post(p.url, [played('m1', 's'), quartile('m2', 's', 25)]);
    await post(p.url, [{ ...played('m3', 's'), state: 'LOADED' }]);
    const metrics = await fetch(`${p.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    for (const line of [
      'media_bridge_events_received_total 3',
      'media_bridge_events_accepted_total 2',
      'media_bridge_requests_rejected_total{reason="not_allowed"} 1',
      'media_bridge_outbox_pending 2',
      'media_bridge_upstream_latency_seconds_count 0',
    ]) {
      expect(text).toContain(line);
    }
    expect((await fetch(`${p.url}/nowhere`)).status).toBe(404);
  });

  it('refuses to share its data dir with a second proxy', async () => {
    const dir = tempDataDir();
    await start({ MEDIA_BRIDGE_DATA_DIR: dir });
    await expect(start({ MEDIA_BRIDGE_DATA_DIR: dir })).rejects.toThrow(/did not start[\s\S]*another proxy/);
  }, 20_000);
});

describe('secrets', () => {
  it('never logs, returns or forwards the token, nor forwards client cookies or authorization', async () => {
    const fake = await startFakeHubSpot({
      acceptTokens: [TOKEN],
      // A hostile upstream that echoes the token in its error message.
      rule: (r) => (r.json?.mediaName === 'echo' ? { status: 400, body: { category: 'VALIDATION_ERROR', message: `bad token ${TOKEN}`, correlationId: 'x' } } : undefined),
    });
    fakes.push(fake);
    const p = await start({ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_API_BASE: fake.url, LOG_LEVEL: 'debug' });
    const client = { cookie: 'hubspotutk=abcdef; sid=s3cr3t', authorization: 'Bearer client-token' };
    expect((await post(p.url, [played('fine', 's1'), played('echo', 's2')], client)).status).toBe(202);
    expect((await post(p.url, [{ ...played('bad', 's3'), token: TOKEN }], client)).status).toBe(400);
    await waitFor(() => fake.eventRequests().length === 2);
    await waitFor(async () => (await (await fetch(`${p.url}/healthz`)).json()).outbox.deadLetters === 1);
    // The line that carries the hostile echo is written once the dead letter is stored: wait for it.
    await waitFor(() => p.lines.some((l) => l.includes('dead letter')), 5_000, 'the dead letter to be logged');

    const answers = await Promise.all(['/healthz', '/metrics', '/media-events'].map((path) => fetch(`${p.url}${path}`)));
    const bodies = await Promise.all(answers.map((a) => a.text()));
    for (const text of [...bodies, ...p.lines]) expect(text).not.toContain(TOKEN);
    for (const r of fake.eventRequests()) {
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(p.logs()[0].msg).toMatch(/forwarding to http:\/\/127\.0\.0\.1/);
  });

  it('forwards with OAuth: refreshes from the token endpoint under HUBSPOT_API_BASE, and logs no secret', async () => {
    const oauth = { clientId: 'app-client-id', clientSecret: 'app-client-secret-xyz', refreshToken: 'refresh-token-abc' };
    const fake = await startFakeHubSpot({ oauth });
    fakes.push(fake);
    const p = await start({
      HUBSPOT_CLIENT_ID: oauth.clientId,
      HUBSPOT_CLIENT_SECRET: oauth.clientSecret,
      HUBSPOT_REFRESH_TOKEN: oauth.refreshToken,
      HUBSPOT_API_BASE: fake.url,
      LOG_LEVEL: 'debug',
    });
    expect(p.logs()[0].dryRun).toBe(false);
    await post(p.url, [played('oa1', 's1'), quartile('oa2', 's1', 25)]);
    await waitFor(() => fake.delivered().length === 2);
    expect(fake.delivered().map((r) => r.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-1']);
    const token = fake.requests.find((r) => r.path === '/oauth/v3/token')!;
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      refresh_token: oauth.refreshToken,
    });
    for (const line of p.lines) expect(line).not.toMatch(/app-client-secret-xyz|refresh-token-abc|access-1/);
  });
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the requests to HubSpot in flight, commits, and exits 0', async () => {
    const fake = await startFakeHubSpot({ acceptTokens: [TOKEN], rule: () => ({ status: 200, delayMs: 1500 }) });
    fakes.push(fake);
    const dir = tempDataDir();
    const env = { HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_API_BASE: fake.url, MEDIA_BRIDGE_DATA_DIR: dir };
    const p = await start(env);
    await post(p.url, [played('t1', 's1'), played('t2', 's2'), played('t3', 's3')]);
    await waitFor(() => fake.eventRequests().length === 3);
    const signalledAt = Date.now();
    p.kill('SIGTERM');
    // New connections are refused while it drains.
    await waitFor(async () => {
      try {
        await fetch(`${p.url}/healthz`);
        return false;
      } catch {
        return true;
      }
    }, 1000, 'the listener to close');
    expect(await p.exited).toBe(0);
    // It waited for HubSpot's slow answers rather than cutting them off.
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1000);
    expect(fake.eventRequests().map((r) => r.answer)).toEqual([200, 200, 200]);
    expect(p.logs().at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM' });

    // Restarted on the same data: nothing pending, nothing sent twice.
    fake.setRule(undefined);
    const again = await start(env);
    const health = await (await fetch(`${again.url}/healthz`)).json();
    expect(health.outbox).toMatchObject({ pending: 0, deadLetters: 0 });
    expect(fake.eventRequests()).toHaveLength(3);
  });
});
