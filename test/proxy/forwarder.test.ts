/**
 * Forwarding, in process: a proxy with a memory outbox against the fake HubSpot over HTTP,
 * with short retry delays. Each upstream answer kind, order, OAuth, and shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaBridgeProxy, type Health, type MediaBridgeProxy, type ProxyOptions } from '../../src/proxy/core.js';
import { createFetchHandler } from '../../src/proxy/http/fetch-handler.js';
import { createLogger } from '../../src/proxy/log.js';
import type { UpstreamGate } from '../../src/proxy/contracts/upstream-gate.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import { LocalGate } from '../../src/proxy/upstream/gate.js';
import type { ProxyEvents } from '../../src/proxy/listeners.js';
import { startFakeHubSpot, waitFor, type FakeHubSpot, type FakeHubSpotOptions } from './fake-hubspot.js';
import { played, quartile } from './proxy-process.js';

const TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';
const fakes: FakeHubSpot[] = [];
const proxies: MediaBridgeProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  for (const f of fakes.splice(0)) await f.close();
});

async function setup(fakeOptions: FakeHubSpotOptions = {}, options: ProxyOptions = {}) {
  const fake = await startFakeHubSpot({ acceptTokens: [TOKEN], ...fakeOptions });
  fakes.push(fake);
  const logs: string[] = [];
  const proxy = createMediaBridgeProxy({
    logger: createLogger({ write: (l) => logs.push(l), level: 'debug', secrets: () => [TOKEN] }),
    // Most tests send quartiles without a media-played: do not make them wait for one.
    outbox: new MemoryOutbox({ orderGraceMs: 0 }),
    ...options,
    hubspot: {
      accessToken: TOKEN,
      apiBase: fake.url,
      retry: { baseMs: 20, rollingPauseMs: 20, authPauseMs: 300 },
      timeoutMs: 1000,
      ...options.hubspot,
    },
  });
  proxies.push(proxy);
  const handler = createFetchHandler(proxy);
  const send = async (events: unknown[]) => {
    const res = await handler(
      new Request('http://proxy.test/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events }) }),
    );
    expect(res.status).toBe(202);
  };
  const seen: Array<{ kind: keyof ProxyEvents; id: string; status?: number; reason?: string }> = [];
  proxy.on('forwarded', (n) => seen.push({ kind: 'forwarded', id: n.id, status: n.outcome.status }));
  proxy.on('retry', (n) => seen.push({ kind: 'retry', id: n.id, status: n.outcome?.status, reason: n.reason }));
  proxy.on('dead', (n) => seen.push({ kind: 'dead', id: n.id, status: n.outcome?.status }));
  const health = () => proxy.health() as Promise<Health>;
  return { fake, proxy, send, seen, logs, health };
}

const deliveredIds = (fake: FakeHubSpot) => fake.delivered().map((r) => String(r.json?.mediaName));

describe('forwarding', () => {
  it('posts each event to its path with the bearer token and without the wire fields', async () => {
    const { fake, send, seen } = await setup();
    await send([played('f1', 's1', { contactUtk: 'abc123' }), quartile('f2', 's1', 50)]);
    await waitFor(() => fake.delivered().length === 2);
    const [a, b] = fake.delivered();
    expect(a.path).toBe('/media-bridge/v1/events/media-played');
    expect(b.path).toBe('/media-bridge/v1/events/media-played-percent');
    for (const r of [a, b]) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(a.json).toEqual({ mediaType: 'VIDEO', occurredTimestamp: expect.any(Number), sessionId: 's1', state: 'STARTED', mediaName: 'f1', contactUtk: 'abc123' });
    expect(b.json).not.toHaveProperty('id');
    expect(b.json).not.toHaveProperty('type');
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([
      { kind: 'forwarded', id: 'f1', status: 200 },
      { kind: 'forwarded', id: 'f2', status: 200 },
    ]);
  });

  it("sends a session's media-played before its quartiles, even when the played has to be retried", async () => {
    const { fake, send } = await setup({
      rule: (r) => (r.json?.mediaName === 'p' && !fake.requests.some((x) => x.answer === 500) ? { status: 500, body: { message: 'oops' } } : undefined),
    });
    await send([played('p', 's1'), quartile('q25', 's1', 25), quartile('q50', 's1', 50)]);
    await waitFor(() => fake.delivered().length === 3);
    const requests = fake.eventRequests().map((r) => [String(r.json?.mediaName), r.answer]);
    expect(requests.slice(0, 2)).toEqual([
      ['p', 500],
      ['p', 200],
    ]);
    expect(new Set(requests.slice(2).map(([id]) => id))).toEqual(new Set(['q25', 'q50']));
  });

  it('retries 500s, timeouts and resets until delivered, once', async () => {
    const answers = new Map<string, number>();
    const { fake, send, seen } = await setup({
      rule: (r) => {
        const id = String(r.json?.mediaName);
        const n = answers.get(id) ?? 0;
        answers.set(id, n + 1);
        if (n > 0) return undefined;
        if (id === 'e500') return { status: 500, body: { message: 'internal' } };
        if (id === 'slow') return { status: 200, delayMs: 2500 }; // beyond the 1 s timeout
        if (id === 'reset') return { reset: true };
        return undefined;
      },
    });
    await send([quartile('e500', 'a', 25), quartile('slow', 'b', 25), quartile('reset', 'c', 25)]);
    // The slow first attempt may still be answered late, after its retry went; the proxy has
    // given up on it by then, so it only counts the retry.
    await waitFor(() => seen.filter((s) => s.kind === 'forwarded').length === 3, 15_000);
    expect(seen.filter((s) => s.kind === 'retry').map((s) => [s.id, s.reason]).sort()).toEqual([
      ['e500', 'server_error'],
      ['reset', 'network'],
      ['slow', 'timeout'],
    ]);
    for (const id of ['e500', 'reset']) expect(deliveredIds(fake).filter((x) => x === id)).toHaveLength(1);
  });

  it('dead-letters a 400, keeping HubSpot’s category, message and correlationId for /healthz and /metrics', async () => {
    const { fake, proxy, send, seen, health, logs } = await setup({
      rule: (r) =>
        r.json?.mediaName === 'nope'
          ? { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Media not found\r\nforged', correlationId: 'corr-1' } }
          : undefined,
    });
    await send([quartile('nope', 's1', 25), quartile('fine', 's2', 25)]);
    await waitFor(() => seen.length === 2);
    expect(seen.find((s) => s.id === 'nope')).toEqual({ kind: 'dead', id: 'nope', status: 400 });
    expect(fake.eventRequests().filter((r) => r.json?.mediaName === 'nope')).toHaveLength(1); // not retried
    const h = await health();
    expect(h.outbox).toMatchObject({ pending: 0, deadLetters: 1 });
    expect(h.deadLetters).toEqual([
      {
        id: 'nope',
        type: 'media-played-percent',
        sessionId: 's1',
        failedAt: expect.any(String),
        attempts: 1,
        status: 400,
        category: 'VALIDATION_ERROR',
        message: 'Media not found\r\nforged',
        correlationId: 'corr-1',
      },
    ]);
    expect(await proxy.metrics()).toContain('media_bridge_events_dead_lettered_total{status="400"} 1');
    const line = logs.find((l) => l.includes('dead letter'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', id: 'nope', correlationId: 'corr-1', message: 'Media not found forged' });
  });

  it('backs off everything after a rolling 429, then delivers', async () => {
    let limited = 0;
    const { fake, send, seen } = await setup({
      rule: () => (limited++ < 2 ? { status: 429, body: { policyName: 'TEN_SECONDLY_ROLLING', message: 'slow down' } } : undefined),
    });
    await send([quartile('r1', 'a', 25), quartile('r2', 'b', 25)]);
    await waitFor(() => fake.delivered().length === 2);
    expect(seen.filter((s) => s.kind === 'retry').every((s) => s.reason === 'rate_limited')).toBe(true);
  });

  it('stops at the DAILY limit until Retry-After, keeping the queue, and says so in /healthz', async () => {
    const { fake, send, health } = await setup({
      rule: (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: { policyName: 'DAILY', message: 'daily limit' } } : undefined),
    });
    await send([quartile('d1', 'a', 25)]);
    await waitFor(async () => (await health()).upstream.state === 'daily-limit');
    const h = await health();
    const until = Date.parse(h.upstream.until!);
    expect(until).toBeGreaterThan(Date.now() + 1000);
    expect(h.outbox.pending).toBe(1);
    await send([quartile('d2', 'b', 25), quartile('d3', 'c', 25)]);
    await waitFor(() => fake.delivered().length === 3, 10_000);
    // Nothing went between the 429 and the end of the stop.
    const [first, ...rest] = fake.eventRequests();
    expect(first.answer).toBe(429);
    for (const r of rest) expect(r.receivedAt).toBeGreaterThanOrEqual(until);
    expect((await health()).upstream.state).toBe('ok');
  });

  it('keeps events and pauses when HubSpot refuses a static token', async () => {
    const { fake, send, health } = await setup({ acceptTokens: ['another-token'] }, { hubspot: { retry: { authPauseMs: 30_000 } } });
    await send([quartile('u1', 'a', 25)]);
    await waitFor(async () => (await health()).upstream.state === 'unauthorized');
    expect(fake.eventRequests()).toHaveLength(1);
    expect((await health()).outbox).toMatchObject({ pending: 1, deadLetters: 0 });
  });

  it('sends the events it claimed even when the store cannot take back slots or note the sends, and says so once', async () => {
    // A store whose gate fails where a store that went away would: giving slots back (unused,
    // or at the answer), noting a send. Taking them still works: the slots are in memory.
    class FailingGateOutbox extends MemoryOutbox {
      sharedGate(options: { limit: number; timeoutMs: number; windowMs?: number }): UpstreamGate {
        const gate = new LocalGate(this, options);
        return new Proxy(gate, {
          get(target, key) {
            if (key === 'release' || key === 'complete' || key === 'begin')
              return () => {
                throw new Error('the store is down');
              };
            const value = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }
    }
    const { fake, send, logs } = await setup({}, { outbox: new FailingGateOutbox({ orderGraceMs: 0 }) });
    await send([quartile('g1', 'a', 25), quartile('g2', 'b', 25)]);
    await waitFor(() => fake.delivered().length === 2, 5_000, 'both events delivered');
    await send([quartile('g3', 'c', 25)]);
    await waitFor(() => fake.delivered().length === 3, 5_000, 'the third delivered');
    const said = (what: string) => logs.filter((l) => l.includes(`${what} failed`)).length;
    expect(said('forwarder: returning rate-limit slots')).toBe(1);
    expect(said('forwarder: noting a send in the store')).toBe(1);
    expect(deliveredIds(fake).sort()).toEqual(['g1', 'g2', 'g3']);
  });

  it('gives up on an event that could not be delivered in time', async () => {
    const { send, seen, health } = await setup({ ratios: { error500: 1 } }, { hubspot: { retry: { baseMs: 10, giveUpAfterMs: 300 } } });
    await send([quartile('old', 'a', 25)]);
    await waitFor(() => seen.some((s) => s.kind === 'dead'), 10_000);
    expect((await health()).deadLetters[0]).toMatchObject({ id: 'old', failure: 'expired', status: 500 });
  });
});

describe('OAuth', () => {
  const oauth = { clientId: 'cid', clientSecret: 'client-secret-1', refreshToken: 'refresh-1' };

  it('gets a token from the token endpoint on the configured base, and refreshes once on a 401', async () => {
    let refused = false;
    const { fake, send, logs } = await setup(
      {
        acceptTokens: [],
        oauth,
        // HubSpot revokes the first token after one use.
        rule: (r) => (r.headers.authorization === 'Bearer access-1' && refused ? { status: 401, body: { category: 'EXPIRED_AUTHENTICATION' } } : ((refused = true), undefined)),
      },
      { hubspot: { accessToken: undefined, oauth } },
    );
    await send([quartile('o1', 'a', 25)]);
    await waitFor(() => fake.delivered().length === 1);
    await send([quartile('o2', 'b', 25)]);
    await waitFor(() => fake.delivered().length === 2);
    expect(fake.issued).toEqual(['access-1', 'access-2']);
    expect(fake.delivered().map((r) => r.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    const tokenRequests = fake.requests.filter((r) => r.path === '/oauth/v3/token');
    expect(tokenRequests).toHaveLength(2);
    expect(tokenRequests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(logs.join('\n')).not.toMatch(/client-secret-1|refresh-1|access-\d/);
  });

  it('does not refresh on a 403 (a missing scope), and pauses keeping the events', async () => {
    const { fake, send, health } = await setup(
      { oauth, rule: () => ({ status: 403, body: { category: 'MISSING_SCOPES', message: 'media_bridge.write' } }) },
      { hubspot: { accessToken: undefined, oauth, retry: { authPauseMs: 30_000 } } },
    );
    await send([quartile('s1', 'a', 25)]);
    await waitFor(async () => (await health()).upstream.state === 'unauthorized');
    expect(fake.issued).toEqual(['access-1']);
    expect((await health()).outbox).toMatchObject({ pending: 1, deadLetters: 0 });
  });

  it('pauses as unauthorized when the token endpoint refuses', async () => {
    const { fake, send, health } = await setup({ oauth: { ...oauth, refreshToken: 'other' } }, { hubspot: { accessToken: undefined, oauth } });
    await send([quartile('x', 'a', 25)]);
    await waitFor(async () => (await health()).upstream.state === 'unauthorized');
    expect(fake.requests.filter((r) => r.path === '/oauth/v3/token').length).toBeGreaterThan(0);
    expect(fake.eventRequests()).toHaveLength(0);
    expect((await health()).outbox.pending).toBe(1);
  });
});

describe('shutdown and serverless use', () => {
  it('close() waits for the requests in flight', async () => {
    const { fake, proxy, send } = await setup({ rule: () => ({ status: 200, delayMs: 400 }) });
    await send([quartile('c1', 'a', 25), quartile('c2', 'b', 25)]);
    await waitFor(() => fake.eventRequests().length === 2);
    await proxy.close();
    proxies.splice(proxies.indexOf(proxy), 1);
    expect(fake.eventRequests().map((r) => r.answer)).toEqual([200, 200]);
  });

  it('with forward: false, sends only when forwardPending() is called', async () => {
    const { fake, proxy, send } = await setup({}, { forward: false });
    await send([quartile('w1', 'a', 25), quartile('w2', 'b', 25)]);
    expect(fake.eventRequests()).toHaveLength(0);
    await proxy.forwardPending();
    expect(fake.delivered()).toHaveLength(2);
    expect((await proxy.health()).outbox.pending).toBe(0);
  });
});
