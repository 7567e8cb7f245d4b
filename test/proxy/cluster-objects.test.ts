/**
 * Media objects on a cluster: three real `media-bridge-proxy` processes with one REDIS_URL
 * and HUBSPOT_MEDIA_OBJECTS=create, against the fake HubSpot with the objects API, whose
 * rolling window counts events and object calls together and answers 429 past it. The
 * sessions of a new video and a new audio reach different instances (a session's beacons
 * too): each object is created exactly once, before its first event; every event carries
 * its object's mediaBridgeId; the instances started after the first take its listing from
 * Redis; and object calls plus events never pass the limit in any 10 s window. And, in
 * process, that a 429 to one instance's object call pauses every instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaBridgeProxy, type MediaBridgeProxy } from '../../src/proxy/core.js';
import { createFetchHandler } from '../../src/proxy/http/fetch-handler.js';
import { silentLogger } from '../../src/proxy/log.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { maxInWindow, startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { beacon, CLUSTER_TOKEN, clusterEnv, startCluster } from './cluster.js';
import { played, quartile, type ProxyProcess } from './proxy-process.js';
import { startRedis, type RedisServer } from './redis-server.js';

/** Low enough that the run needs two windows: 20 events and 5 object calls. */
const LIMIT = 15;

let redis: RedisServer;
let hub: FakeHubSpot;
let procs: ProxyProcess[] = [];
const inProcess: MediaBridgeProxy[] = [];
const otherHubs: FakeHubSpot[] = [];

beforeAll(async () => {
  redis = await startRedis();
  hub = await startFakeHubSpot({
    acceptTokens: [CLUSTER_TOKEN],
    rollingLimit: LIMIT,
    objects: {
      maxPageSize: 2, // the existing video is on the listing's second page
      existing: [
        { mediaType: 'VIDEO', externalId: 'c-other-1' },
        { mediaType: 'VIDEO', externalId: 'c-other-2' },
        { mediaType: 'VIDEO', externalId: 'c-old', id: '7100' },
      ],
    },
  });
});
afterAll(async () => {
  for (const p of inProcess) await p.close();
  for (const h of otherHubs) await h.close();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await hub?.close();
  await redis?.stop();
});

const catalogOf = async (p: ProxyProcess) => ((await (await fetch(`${p.url}/healthz`)).json()) as { mediaObjects: Record<string, any> }).mediaObjects;

describe('media objects on three instances sharing one Redis', () => {
  it('creates a new media once, before its first event, ids every event, and keeps object calls and events within the limit', async () => {
    const env = clusterEnv(redis.url, 'cluster-objects', hub, LIMIT, { HUBSPOT_MEDIA_OBJECTS: 'create' });
    // The first instance lists the portal; the two started after it find that listing in Redis.
    const [first] = await startCluster(1, env);
    procs = [first];
    await waitFor(async () => Object.keys((await catalogOf(first)).listed).length === 2, 15_000, 'the first listing');
    procs.push(...(await startCluster(2, env)));
    const t0 = Date.now();

    // Sessions at once, spread over the instances; each session's quartile goes to the next one.
    const plan: Array<['VIDEO' | 'AUDIO', string, number]> = [
      ['VIDEO', 'c-new', 4],
      ['AUDIO', 'c-new-audio', 3],
      ['VIDEO', 'c-old', 3],
    ];
    const sent: string[] = [];
    let n = 0;
    await Promise.all(
      plan.flatMap(([mediaType, externalId, sessions]) =>
        Array.from({ length: sessions }, async (_, i) => {
          const k = n++;
          const sid = `${externalId}-s${i}`;
          const extra = { mediaType, externalId, mediaUrl: `https://cdn.example/${externalId}.mp4`, pageUrl: `https://www.example/${externalId}` };
          const a = await beacon(procs[k % 3].url, [played(`${sid}-p`, sid, extra)]);
          const b = await beacon(procs[(k + 1) % 3].url, [quartile(`${sid}-25`, sid, 25, extra)]);
          expect([a.status, b.status]).toEqual([202, 202]);
          sent.push(...a.ids, ...b.ids);
        }),
      ),
    );
    await hub.waitFor(() => hub.delivered().length >= sent.length, 45_000, 'every event delivered');

    // Every event exactly once.
    expect(hub.delivered().map((r) => String(r.json?.mediaName)).sort()).toEqual([...sent].sort());

    // One creation per new media, none for the existing one, each answered before that media's first event arrived.
    const creations = hub.objectRequests().filter((r) => r.method === 'POST');
    expect(creations.map((r) => `${r.json?.mediaType}/${r.json?.externalId}`).sort()).toEqual(['AUDIO/c-new-audio', 'VIDEO/c-new']);
    for (const c of creations) {
      const first = Math.min(...hub.eventRequests().filter((r) => r.json?.externalId === c.json?.externalId).map((r) => r.receivedAt));
      expect(c.answeredAt!, String(c.json?.externalId)).toBeLessThanOrEqual(first);
    }
    // The listing was read once, by the first instance: two pages of VIDEO, one of AUDIO.
    expect(hub.objectRequests().filter((r) => r.method === 'GET')).toHaveLength(3);

    // Every event with its object's id, whichever instance sent it.
    const idOf = (type: unknown, externalId: unknown) => Number(hub.objects.find((o) => o.mediaType === type && o.externalId === externalId)!.id);
    for (const r of hub.delivered()) expect(r.json?.mediaBridgeId, String(r.json?.mediaName)).toBe(idOf(r.json?.mediaType, r.json?.externalId));

    // The one limit, for all of it: more requests than it, never more than it in 10 s, no 429.
    const upstream = hub.requests.filter((r) => r.path.startsWith('/media-bridge/'));
    expect(upstream.length).toBeGreaterThan(LIMIT);
    expect(maxInWindow(upstream.map((r) => r.receivedAt))).toBeLessThanOrEqual(LIMIT);
    expect(hub.overLimit()).toEqual([]);

    for (const p of procs) expect(await catalogOf(p)).toMatchObject({ mode: 'create', state: 'ok', failed: 0, listed: { VIDEO: expect.any(String), AUDIO: expect.any(String) } });
    console.log(`cluster media objects: ${upstream.length} requests (${creations.length} creations) delivered in ${Date.now() - t0} ms; most in 10 s: ${maxInWindow(upstream.map((r) => r.receivedAt))} of ${LIMIT}`);
  }, 60_000);

  it("pauses every instance when one instance's object call meets a 429", async () => {
    let limited: number | undefined;
    const other = await startFakeHubSpot({
      acceptTokens: [CLUSTER_TOKEN],
      objects: {
        rule: (r) => {
          if (r.method !== 'POST' || limited !== undefined) return undefined;
          limited = Date.now();
          return { status: 429, body: { status: 'error', message: 'You have reached your TEN_SECONDLY_ROLLING limit.', policyName: 'TEN_SECONDLY_ROLLING' } };
        },
      },
    });
    otherHubs.push(other);
    const instance = () => {
      const proxy = createMediaBridgeProxy({
        logger: silentLogger,
        outbox: new RedisOutbox({ url: redis.url, queue: 'cluster-objects-429', logger: silentLogger, orderGraceMs: 0 }),
        mediaObjects: 'create',
        hubspot: { accessToken: CLUSTER_TOKEN, apiBase: other.url, timeoutMs: 1_000, retry: { baseMs: 20, rollingPauseMs: 1_500 } },
      });
      inProcess.push(proxy);
      return proxy;
    };
    const [a, b] = [instance(), instance()];
    await waitFor(async () => (await a.health()).mediaObjects.mode === 'create' && other.objectRequests().filter((r) => r.method === 'GET').length >= 2, 5_000, 'the listings');
    const send = (proxy: MediaBridgeProxy, events: unknown[]) =>
      createFetchHandler(proxy)(new Request('http://proxy.test/media-events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events }) }));
    expect((await send(a, [played('x-p', 'x', { externalId: 'x-new' })])).status).toBe(202);
    await waitFor(() => limited !== undefined, 5_000, 'the 429');
    // b learns of the pause from Redis, and sends nothing during it, events included. (The
    // fake has answered when `limited` is set; a has yet to read the answer and record the
    // pause, so b is asked until it knows, within the pause.)
    await waitFor(async () => (await b.health()).upstream.state === 'backing-off', 1_000, 'b backing off');
    expect((await send(b, [played('y-p', 'y', { externalId: 'y-old' })])).status).toBe(202);
    await other.waitFor(() => other.delivered().length === 2, 10_000, 'both events');
    const during = other.requests.filter((r) => r.path.startsWith('/media-bridge/') && r.receivedAt > limited! && r.receivedAt < limited! + 1_400);
    expect(during).toEqual([]);
    const made = other.objects.find((o) => o.externalId === 'x-new')!;
    expect(other.delivered().find((r) => r.json?.externalId === 'x-new')!.json?.mediaBridgeId).toBe(Number(made.id));
  });
});
