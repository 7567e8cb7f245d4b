/**
 * The "done when": a burst of 2,000 events from 200 concurrent clients while the fake
 * HubSpot answers 20% 429 and 10% 500. Every accepted event reaches HubSpot exactly once,
 * on the right path, with the bearer token; no 10 s window carries more than the configured
 * limit; a session's media-played goes first; every bad input gets a 4xx and nothing of it
 * is forwarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow, startFakeHubSpot, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, quartile, startProxy, type ProxyProcess } from './proxy-process.js';
import { tempDataDir } from './temp-dirs.js';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const RATE_LIMIT = 1200;
const ORIGIN = 'https://www.example.com';
const CLIENTS = 200;
const SESSIONS_PER_CLIENT = 2; // each: media-played + 4 quartiles = 10 events per client

let fake: FakeHubSpot;
let proxy: ProxyProcess;

beforeAll(async () => {
  fake = await startFakeHubSpot({ ratios: { rolling429: 0.2, error500: 0.1 }, acceptTokens: [TOKEN], seed: 42 });
  proxy = await startProxy({
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_API_BASE: fake.url,
    HUBSPOT_RATE_LIMIT: String(RATE_LIMIT),
    HUBSPOT_RETRY_BASE_MS: '20',
    ALLOWED_ORIGINS: ORIGIN,
    TRUST_PROXY: '1',
    MEDIA_BRIDGE_DATA_DIR: tempDataDir(),
  });
});

afterAll(async () => {
  proxy?.kill('SIGTERM');
  await proxy?.exited;
  await fake?.close();
});

/** One simulated viewer: its own address, two sessions, a beacon per moment. */
async function client(n: number): Promise<string[]> {
  const headers = { origin: ORIGIN, 'x-forwarded-for': `10.1.${n >> 8}.${n & 255}`, cookie: 'hubspotutk=abc; session=secret' };
  const accepted: string[] = [];
  for (let s = 0; s < SESSIONS_PER_CLIENT; s++) {
    const session = `c${n}-s${s}`;
    const beacons = [
      [played(`${session}-played`, session)],
      [quartile(`${session}-25`, session, 25), quartile(`${session}-50`, session, 50)],
      [quartile(`${session}-75`, session, 75)],
      [quartile(`${session}-100`, session, 100)],
    ];
    for (const events of beacons) {
      const res = await post(proxy.url, events, headers);
      expect(res.status).toBe(202);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(await res.json()).toEqual({ accepted: events.length });
      accepted.push(...events.map((e) => e.id));
    }
  }
  return accepted;
}

describe('a burst of 2,000 events from 200 clients, with 20% 429 and 10% 500 upstream', () => {
  it('delivers every accepted event exactly once, within the rate limit, and forwards nothing bad', async () => {
    const badResults = sendBadInputs();
    const accepted = (await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)))).flat();
    expect(accepted).toHaveLength(CLIENTS * SESSIONS_PER_CLIENT * 5);
    const bad = await badResults;
    for (const b of bad) expect(b.status, b.what).toBe(b.expected);

    // Every accepted event delivered (2xx), by its id carried in mediaName.
    const want = new Set(accepted);
    await fake.waitFor(() => new Set(fake.delivered().map((r) => r.json?.mediaName)).size >= want.size, 110_000, 'all events delivered');

    const deliveredCount = new Map<string, number>();
    for (const r of fake.delivered()) {
      const id = String(r.json?.mediaName);
      deliveredCount.set(id, (deliveredCount.get(id) ?? 0) + 1);
    }
    for (const id of want) expect(deliveredCount.get(id), id).toBe(1);
    expect([...deliveredCount.keys()].filter((id) => !want.has(id))).toEqual([]);

    const requests = fake.eventRequests();
    // The faults really happened, so the retries were exercised.
    expect(requests.filter((r) => r.answer === 429).length).toBeGreaterThan(200);
    expect(requests.filter((r) => r.answer === 500).length).toBeGreaterThan(100);
    for (const r of requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['content-type']).toBe('application/json');
      const json = r.json!;
      expect(r.path).toBe(`/media-bridge/v1/events/${'state' in json ? 'media-played' : 'media-played-percent'}`);
      // The wire's own fields never reach HubSpot.
      expect(json).not.toHaveProperty('id');
      expect(json).not.toHaveProperty('type');
    }
    expect(maxInWindow(requests.map((r) => r.receivedAt))).toBeLessThanOrEqual(RATE_LIMIT);

    // Order: each session's media-played was taken before any of its quartiles was sent.
    const playedAt = new Map<string, number>();
    for (const r of fake.delivered()) if ('state' in r.json!) playedAt.set(String(r.json!.sessionId), r.answeredAt!);
    for (const r of requests) {
      if ('playedPercent' in r.json!) expect(r.receivedAt).toBeGreaterThanOrEqual(playedAt.get(String(r.json!.sessionId))!);
    }

    // Nothing of a refused request was forwarded.
    expect(fake.requests.some((r) => String(r.json?.mediaName ?? '').startsWith('bad-'))).toBe(false);

    // HubSpot's answer comes before the proxy records it: the last few settle just after.
    const pending = async () => ((await (await fetch(`${proxy.url}/healthz`)).json()) as { outbox: { pending: number } }).outbox.pending;
    await fake.waitFor(async () => (await pending()) === 0, 10_000, 'the last answers to be recorded');
  }, 150_000);
});

/** Bad inputs, sent while the burst runs; each must get its 4xx. */
async function sendBadInputs() {
  const headers = { origin: ORIGIN, 'x-forwarded-for': '10.9.9.9' };
  const ok = played('bad-template', 'bad-session');
  const cases: Array<{ what: string; expected: number; send: () => Promise<Response> }> = [
    { what: 'unknown media type', expected: 400, send: () => post(proxy.url, [{ ...ok, id: 'bad-1', mediaName: 'bad-1', mediaType: 'FILM' }], headers) },
    { what: 'contactId', expected: 400, send: () => post(proxy.url, [{ ...ok, id: 'bad-2', mediaName: 'bad-2', contactId: 12 }], headers) },
    { what: 'unknown field', expected: 400, send: () => post(proxy.url, [{ ...ok, id: 'bad-3', mediaName: 'bad-3', extra: 1 }], headers) },
    {
      what: 'one bad event spoils the request',
      expected: 400,
      send: () => post(proxy.url, [{ ...ok, id: 'bad-4', mediaName: 'bad-4' }, { ...ok, id: 'bad-5', mediaName: 'bad-5', state: 'PAUSED' }], headers),
    },
    { what: 'too many events', expected: 400, send: () => post(proxy.url, Array.from({ length: 51 }, (_, i) => ({ ...ok, id: `bad-6-${i}`, mediaName: `bad-6-${i}` })), headers) },
    {
      what: 'oversized',
      expected: 413,
      send: () => post(proxy.url, [{ ...ok, id: 'bad-7', mediaName: 'bad-7', pageName: 'x'.repeat(70_000) }], headers),
    },
    { what: 'other origin', expected: 403, send: () => post(proxy.url, [{ ...ok, id: 'bad-8', mediaName: 'bad-8' }], { ...headers, origin: 'https://evil.example' }) },
    {
      what: 'form content type',
      expected: 415,
      send: () => post(proxy.url, [{ ...ok, id: 'bad-9', mediaName: 'bad-9' }], { ...headers, 'content-type': 'application/x-www-form-urlencoded' }),
    },
    {
      what: 'prototype key',
      expected: 400,
      send: () =>
        fetch(`${proxy.url}/media-events`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'text/plain' },
          body: `{"events":[${JSON.stringify({ ...ok, id: 'bad-10', mediaName: 'bad-10' }).slice(0, -1)},"__proto__":{"polluted":1}}]}`,
        }),
    },
    { what: 'not JSON', expected: 400, send: () => fetch(`${proxy.url}/media-events`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: '{"events":[' }) },
  ];
  return Promise.all(cases.map(async (c) => ({ what: c.what, expected: c.expected, status: (await c.send()).status })));
}
