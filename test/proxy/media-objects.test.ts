/**
 * The media catalog, in process: a proxy with `mediaObjects: 'create'` against the fake
 * HubSpot's objects API over HTTP. Finding objects over several listing pages, creating
 * missing ones once and first, the fields they get, and each failure kind.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaBridgeProxy, type MediaBridgeProxy, type ProxyOptions } from '../../src/proxy/core.js';
import { createFetchHandler } from '../../src/proxy/http/fetch-handler.js';
import { createLogger } from '../../src/proxy/log.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import type { CatalogHealth } from '../../src/proxy/upstream/media-catalog.js';
import { startFakeHubSpot, waitFor, type FakeHubSpot, type FakeHubSpotOptions, type RecordedRequest } from './fake-hubspot.js';
import { played, quartile } from './proxy-process.js';
import { tempDir } from './temp-dirs.js';

const TOKEN = 'pat-na1-77777777-6666-5555-4444-333333333333';
const fakes: FakeHubSpot[] = [];
const proxies: MediaBridgeProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  for (const f of fakes.splice(0)) await f.close();
});

async function startFake(options: FakeHubSpotOptions = {}) {
  const fake = await startFakeHubSpot({ acceptTokens: [TOKEN], ...options });
  fakes.push(fake);
  return fake;
}

function start(fake: FakeHubSpot, options: ProxyOptions = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const proxy = createMediaBridgeProxy({
    logger: createLogger({ write: (l) => logs.push(JSON.parse(l) as Record<string, unknown>), level: 'debug', secrets: () => [TOKEN] }),
    outbox: new MemoryOutbox({ orderGraceMs: 0 }),
    mediaObjects: 'create',
    ...options,
    hubspot: { accessToken: TOKEN, apiBase: fake.url, retry: { baseMs: 20, rollingPauseMs: 20, authPauseMs: 300 }, timeoutMs: 1000, ...options.hubspot },
  });
  proxies.push(proxy);
  const handler = createFetchHandler(proxy);
  const send = async (events: unknown[]) => {
    const res = await handler(new Request('http://proxy.test/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events }) }));
    expect(res.status).toBe(202);
  };
  const catalog = async () => (await proxy.health()).mediaObjects as CatalogHealth;
  return { proxy, send, logs, catalog };
}

const creations = (fake: FakeHubSpot) => fake.objectRequests().filter((r) => r.method === 'POST');
const listings = (fake: FakeHubSpot) => fake.objectRequests().filter((r) => r.method === 'GET');
const deliveredFor = (fake: FakeHubSpot, externalId: string) => fake.delivered().filter((r) => r.json?.externalId === externalId);
const firstEventAt = (fake: FakeHubSpot, externalId: string) => Math.min(...fake.eventRequests().filter((r) => r.json?.externalId === externalId).map((r) => r.receivedAt));
const answered = (r: RecordedRequest) => r.answeredAt!;

describe('media objects', () => {
  it('finds an object on the listing\'s second page, creates nothing, and gives its events its id', async () => {
    const fake = await startFake({
      objects: {
        maxPageSize: 2,
        existing: [
          { mediaType: 'VIDEO', externalId: 'v-1' },
          { mediaType: 'VIDEO', externalId: 'v-2' },
          { mediaType: 'VIDEO', externalId: 'v-3', id: '7003' },
          { mediaType: 'AUDIO', externalId: 'v-3', id: '8000' },
        ],
      },
    });
    const { send, catalog } = start(fake);
    await send([played('e1', 's1', { externalId: 'v-3' }), quartile('e2', 's1', 25, { externalId: 'v-3' })]);
    await fake.waitFor(() => deliveredFor(fake, 'v-3').length === 2);
    expect(deliveredFor(fake, 'v-3').map((r) => r.json?.mediaBridgeId)).toEqual([7003, 7003]);
    expect(creations(fake)).toEqual([]);
    // Two pages of VIDEO (the second asked with the first's cursor), one of AUDIO.
    const video = listings(fake).filter((r) => r.path.endsWith('/VIDEO'));
    expect(video.map((r) => [r.query.get('limit'), r.query.get('after')])).toEqual([
      ['100', null],
      ['100', expect.any(String)],
    ]);
    await waitFor(async () => (await catalog()).known === 4);
    expect(await catalog()).toMatchObject({ mode: 'create', state: 'ok', known: 4, created: 0, failed: 0, listed: { VIDEO: expect.any(String), AUDIO: expect.any(String) } });
  });

  it('creates a new video once, before its first event, for 20 sessions arriving at once', async () => {
    const fake = await startFake();
    const { send, catalog } = start(fake);
    const sessions = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await Promise.all(
      sessions.map((s, i) =>
        send([played(`p-${s}`, s, { externalId: 'new-video', mediaName: 'Launch film', mediaUrl: 'https://cdn.example/launch.mp4', pageUrl: `https://www.example/page-${i}` })]),
      ),
    );
    await fake.waitFor(() => deliveredFor(fake, 'new-video').length === 20);
    expect(creations(fake)).toHaveLength(1);
    const [create] = creations(fake);
    expect(create.json).toEqual({ mediaType: 'VIDEO', title: 'Launch film', externalId: 'new-video', fileUrl: 'https://cdn.example/launch.mp4', detailsPageLink: 'https://www.example/page-0' });
    expect(answered(create)).toBeLessThanOrEqual(firstEventAt(fake, 'new-video'));
    const id = Number(fake.objects.find((o) => o.externalId === 'new-video')!.id);
    expect(new Set(deliveredFor(fake, 'new-video').map((r) => r.json?.mediaBridgeId))).toEqual(new Set([id]));
    expect(await catalog()).toMatchObject({ known: 1, created: 1, failed: 0, pending: 0 });
  });

  it('creates AUDIO objects as AUDIO, and titles a media without a name by its file, else its external id', async () => {
    const fake = await startFake();
    const { send } = start(fake);
    await send([
      played('a1', 'sa', { mediaType: 'AUDIO', externalId: 'podcast-7', mediaUrl: 'https://cdn.example/audio/Episode%207.mp3', mediaName: undefined }),
      played('b1', 'sb', { externalId: 'https://cdn.example/raw.webm', mediaName: undefined }),
      played('c1', 'sc', { externalId: 'blob-clip', mediaUrl: 'blob:https://www.example/9f1c', mediaName: undefined }),
    ]);
    await fake.waitFor(() => fake.delivered().length === 3);
    const made = Object.fromEntries(creations(fake).map((r) => [r.json?.externalId, r.json]));
    expect(made['podcast-7']).toEqual({ mediaType: 'AUDIO', title: 'Episode 7.mp3', externalId: 'podcast-7', fileUrl: 'https://cdn.example/audio/Episode%207.mp3' });
    expect(made['https://cdn.example/raw.webm']).toEqual({ mediaType: 'VIDEO', title: 'https://cdn.example/raw.webm', externalId: 'https://cdn.example/raw.webm' });
    expect(made['blob-clip']).toEqual({ mediaType: 'VIDEO', title: 'blob-clip', externalId: 'blob-clip' });
    for (const r of fake.delivered()) expect(r.json?.mediaBridgeId, String(r.json?.externalId)).toBe(Number(fake.objects.find((o) => o.externalId === r.json?.externalId)!.id));
  });

  it('leaves an event that names its mediaBridgeId, or no externalId, as it is', async () => {
    const fake = await startFake();
    const { send } = start(fake);
    await send([played('n1', 's1', { externalId: 'given', mediaBridgeId: 42 }), played('n2', 's2')]);
    await fake.waitFor(() => fake.delivered().length === 2);
    expect(fake.delivered().map((r) => r.json?.mediaBridgeId)).toEqual([42, undefined]);
    expect(creations(fake)).toEqual([]);
  });

  it('after a 403 on objects, forwards events at once without an id, does not pause, logs the scope once and stops object calls', async () => {
    const fake = await startFake({ objects: { forbidden: ['locked'] } });
    // A long wait: had the 403 held the events back, they would be late.
    const { proxy, send, logs } = start(fake, { mediaObjectWaitMs: 20_000 });
    const t0 = Date.now();
    await send([played('l1', 's1', { externalId: 'locked' }), quartile('l2', 's1', 25, { externalId: 'locked' })]);
    await fake.waitFor(() => deliveredFor(fake, 'locked').length === 2);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(deliveredFor(fake, 'locked').map((r) => r.json?.mediaBridgeId)).toEqual([undefined, undefined]);
    // Later media are not tried, and their events flow.
    await send([played('l3', 's2', { externalId: 'other' })]);
    await fake.waitFor(() => deliveredFor(fake, 'other').length === 1);
    expect(creations(fake)).toHaveLength(1);
    const health = await proxy.health();
    expect(health.upstream.state).toBe('ok');
    expect(health.mediaObjects).toMatchObject({ state: 'stopped', missingScopes: ['files'], lastError: { call: 'create', status: 403, category: 'MISSING_SCOPES' } });
    const scopeLogs = logs.filter((l) => String(l.msg).includes('403'));
    expect(scopeLogs).toHaveLength(1);
    expect(scopeLogs[0].msg).toMatch(/lacks the files scope/);
    expect(await proxy.metrics()).toMatch(/^media_bridge_media_object_requests_total\{call="create",outcome="403"\} 1$/m);
  });

  it('retries a 5xx on the listing and on the creation, then creates once', async () => {
    const fake = await startFake();
    let failures = 0;
    fake.setObjectRule(() => (failures++ < 3 ? { status: 503, body: { status: 'error', message: 'unavailable' } } : undefined));
    const { proxy, send } = start(fake);
    await send([played('r1', 's1', { externalId: 'retry-me' })]);
    await fake.waitFor(() => deliveredFor(fake, 'retry-me').length === 1);
    expect(fake.objectRequests().filter((r) => r.answer === 503)).toHaveLength(3);
    expect(creations(fake).filter((r) => r.answer === 200)).toHaveLength(1);
    expect(deliveredFor(fake, 'retry-me')[0].json?.mediaBridgeId).toBe(Number(fake.objects[0].id));
    expect(await proxy.metrics()).toMatch(/^media_bridge_media_object_requests_total\{call="(list|create)",outcome="503"\} \d$/m);
  });

  it('treats a 429 on objects as the app\'s limit: every request pauses, then the creation is retried', async () => {
    const fake = await startFake();
    let limited = false;
    fake.setObjectRule((r) => {
      if (r.method !== 'POST' || limited) return undefined;
      limited = true;
      return { status: 429, body: { status: 'error', message: 'You have reached your TEN_SECONDLY_ROLLING limit.', policyName: 'TEN_SECONDLY_ROLLING' } };
    });
    const { proxy, send } = start(fake, { hubspot: { retry: { baseMs: 20, rollingPauseMs: 1_000 } } });
    await send([played('t1', 's1', { externalId: 'limited' })]);
    await fake.waitFor(() => limited);
    const health = await proxy.health();
    expect(health.upstream.state).toBe('backing-off');
    await fake.waitFor(() => deliveredFor(fake, 'limited').length === 1);
    const [refused, made] = creations(fake);
    expect([refused.answer, made.answer]).toEqual([429, 200]);
    // Nothing went upstream during the pause.
    const during = fake.requests.filter((r) => r.receivedAt > refused.answeredAt! && r.receivedAt < refused.answeredAt! + 900);
    expect(during).toEqual([]);
    expect(deliveredFor(fake, 'limited')[0].json?.mediaBridgeId).toBe(Number(fake.objects[0].id));
  });

  it('keeps a 400 as the object\'s error, shows it, and lets the events go without an id', async () => {
    const fake = await startFake();
    fake.setObjectRule((r) => (r.method === 'POST' && r.json?.externalId === 'bad' ? { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'title is too long', correlationId: 'c-bad' } } : undefined));
    const { send, catalog } = start(fake);
    await send([played('b1', 's1', { externalId: 'bad' }), played('g1', 's2', { externalId: 'good' })]);
    await fake.waitFor(() => fake.delivered().length === 2);
    expect(deliveredFor(fake, 'bad')[0].json?.mediaBridgeId).toBeUndefined();
    expect(deliveredFor(fake, 'good')[0].json?.mediaBridgeId).toEqual(expect.any(Number));
    // Refused once and not tried again for its later events.
    await send([played('b2', 's3', { externalId: 'bad' })]);
    await fake.waitFor(() => deliveredFor(fake, 'bad').length === 2);
    expect(creations(fake).filter((r) => r.json?.externalId === 'bad')).toHaveLength(1);
    expect(await catalog()).toMatchObject({
      state: 'ok',
      known: 1,
      failed: 1,
      failures: [{ mediaType: 'VIDEO', externalId: 'bad', status: 400, category: 'VALIDATION_ERROR', message: 'title is too long', correlationId: 'c-bad' }],
    });
  });

  it('lets events go without their object after the wait, and gives the later ones its id', async () => {
    const fake = await startFake();
    let slow = true;
    fake.setObjectRule((r) => (r.method === 'POST' && slow ? { status: 500, body: { message: 'down' } } : undefined));
    const { send, catalog } = start(fake, { mediaObjectWaitMs: 300 });
    await send([played('w1', 's1', { externalId: 'late' })]);
    await fake.waitFor(() => deliveredFor(fake, 'late').length === 1);
    expect(deliveredFor(fake, 'late')[0].json?.mediaBridgeId).toBeUndefined();
    slow = false;
    await waitFor(async () => (await catalog()).known === 1, 10_000, 'the creation to succeed');
    await send([played('w2', 's2', { externalId: 'late' })]);
    await fake.waitFor(() => deliveredFor(fake, 'late').length === 2);
    expect(deliveredFor(fake, 'late')[1].json?.mediaBridgeId).toBe(Number(fake.objects[0].id));
  });

  it('after a restart on the same SQLite store, lists nothing and creates nothing again', async () => {
    const fake = await startFake({ objects: { existing: [{ mediaType: 'VIDEO', externalId: 'old', id: '6001' }] } });
    const file = join(tempDir('mbt-catalog-'), 'outbox.sqlite');
    const first = start(fake, { outbox: new SqliteOutbox(file, { orderGraceMs: 0 }) });
    await first.send([played('x1', 's1', { externalId: 'fresh' }), played('x2', 's2', { externalId: 'old' })]);
    await fake.waitFor(() => fake.delivered().length === 2);
    await first.proxy.close();
    const before = fake.objectRequests().length;
    expect(creations(fake)).toHaveLength(1);

    const second = start(fake, { outbox: new SqliteOutbox(file, { orderGraceMs: 0 }) });
    await second.send([played('y1', 's3', { externalId: 'fresh' }), played('y2', 's4', { externalId: 'old' })]);
    await fake.waitFor(() => fake.delivered().length === 4);
    expect(fake.objectRequests().length).toBe(before);
    const ids = Object.fromEntries(fake.delivered().slice(2).map((r) => [r.json?.externalId, r.json?.mediaBridgeId]));
    expect(ids).toEqual({ fresh: Number(fake.objects.find((o) => o.externalId === 'fresh')!.id), old: 6001 });
    expect(await second.catalog()).toMatchObject({ known: 2, created: 1 });
  });

  it('before listing a stale media type again, takes the listing a proxy sharing its store made lately', async () => {
    const fake = await startFake();
    let t = Date.now();
    const now = () => t;
    const shared = new MemoryOutbox({ orderGraceMs: 0 });
    const a = start(fake, { outbox: shared, now });
    await waitFor(async () => listings(fake).length === 2 && (await a.catalog()).state === 'ok', 5_000, "a's listings");
    t += 25 * 3600_000; // a day later: a's listings are stale, and so is what the store holds
    const b = start(fake, { outbox: shared, now });
    await waitFor(async () => listings(fake).length === 4 && (await b.catalog()).state === 'ok', 5_000, "b's listings");
    // a needs a fresh VIDEO listing before it may create: it finds b's in the store.
    await a.send([played('d1', 's1', { externalId: 'next-day' })]);
    await fake.waitFor(() => deliveredFor(fake, 'next-day').length === 1);
    expect(listings(fake)).toHaveLength(4);
    expect(creations(fake)).toHaveLength(1);
    expect(deliveredFor(fake, 'next-day')[0].json?.mediaBridgeId).toBe(Number(fake.objects[0].id));
  });

  it('says it is off by default, and sends no object call', async () => {
    const fake = await startFake();
    const { proxy, send } = start(fake, { mediaObjects: undefined });
    await send([played('o1', 's1', { externalId: 'any' })]);
    await fake.waitFor(() => fake.delivered().length === 1);
    expect(fake.objectRequests()).toEqual([]);
    expect((await proxy.health()).mediaObjects).toEqual({ mode: 'off' });
  });
});
