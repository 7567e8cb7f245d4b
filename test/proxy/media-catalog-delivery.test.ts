/**
 * The "done when" for media objects, on the real proxy process: a portal that has
 * some objects (over three listing pages) and lacks others, one of which HubSpot refuses to
 * create. Each missing object is created exactly once and before its events; existing ones
 * are found; every event carries the right mediaBridgeId; events keep flowing past the
 * refusal; and object calls plus events never pass the rate limit in any 10 s window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow, startFakeHubSpot, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, quartile, startProxy, type ProxyProcess } from './proxy-process.js';
import { tempDataDir } from './temp-dirs.js';

const TOKEN = 'pat-na1-12121212-3434-5656-7878-909090909090';
const RATE_LIMIT = 15;

let fake: FakeHubSpot;
let proxy: ProxyProcess;

beforeAll(async () => {
  fake = await startFakeHubSpot({
    acceptTokens: [TOKEN],
    objects: {
      maxPageSize: 2,
      existing: ['v-old-1', 'v-old-2', 'v-old-3', 'v-old-4', 'v-old-5'].map((externalId) => ({ mediaType: 'VIDEO', externalId })).concat([{ mediaType: 'AUDIO', externalId: 'a-old' }]),
      rule: (r) => (r.method === 'POST' && r.json?.externalId === 'v-refused' ? { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'title refused', correlationId: 'c-refused' } } : undefined),
    },
  });
  proxy = await startProxy({
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_API_BASE: fake.url,
    HUBSPOT_RATE_LIMIT: String(RATE_LIMIT),
    HUBSPOT_RETRY_BASE_MS: '20',
    HUBSPOT_MEDIA_OBJECTS: 'create',
    MEDIA_BRIDGE_DATA_DIR: tempDataDir(),
  });
});

afterAll(async () => {
  proxy?.kill('SIGTERM');
  await proxy?.exited;
  await fake?.close();
});

/** One viewing: media-played, then a quartile a moment later. */
async function session(mediaType: 'VIDEO' | 'AUDIO', externalId: string, n: number): Promise<string[]> {
  const sid = `${externalId}-s${n}`;
  const extra = { mediaType, externalId, mediaUrl: `https://cdn.example/${externalId}.mp4`, pageUrl: `https://www.example/watch/${externalId}` };
  expect((await post(proxy.url, [played(`${sid}-p`, sid, extra)])).status).toBe(202);
  expect((await post(proxy.url, [quartile(`${sid}-25`, sid, 25, extra)])).status).toBe(202);
  return [`${sid}-p`, `${sid}-25`];
}

describe('media objects against a portal that has some and lacks others', () => {
  it('creates each missing object once and first, finds the rest, ids every event, and keeps to the limit', async () => {
    expect(proxy.logs()[0].msg).toMatch(/media objects: create/);
    const plan: Array<['VIDEO' | 'AUDIO', string, number]> = [
      ['VIDEO', 'v-old-2', 1], // first listing page
      ['VIDEO', 'v-old-5', 1], // third page
      ['AUDIO', 'a-old', 1],
      ['VIDEO', 'v-new-1', 3], // three viewers at once
      ['VIDEO', 'v-new-2', 1],
      ['AUDIO', 'a-new', 1],
      ['VIDEO', 'v-refused', 1],
    ];
    const sent = (await Promise.all(plan.flatMap(([type, id, viewers]) => Array.from({ length: viewers }, (_, n) => session(type, id, n))))).flat();
    await fake.waitFor(() => fake.delivered().length >= sent.length, 60_000, 'every event delivered');

    // Every event once.
    expect(fake.delivered().map((r) => r.json?.mediaName).sort()).toEqual([...sent].sort());

    // One creation per missing media, none for the existing ones, each answered before its first event arrived.
    const creations = fake.objectRequests().filter((r) => r.method === 'POST');
    expect(creations.map((r) => r.json?.externalId).sort()).toEqual(['a-new', 'v-new-1', 'v-new-2', 'v-refused']);
    for (const c of creations) {
      const first = Math.min(...fake.eventRequests().filter((r) => r.json?.externalId === c.json?.externalId).map((r) => r.receivedAt));
      expect(c.answeredAt!, String(c.json?.externalId)).toBeLessThanOrEqual(first);
    }
    expect(creations.find((c) => c.json?.externalId === 'a-new')!.json).toEqual({
      mediaType: 'AUDIO',
      title: 'a-new-s0-p',
      externalId: 'a-new',
      fileUrl: 'https://cdn.example/a-new.mp4',
      detailsPageLink: 'https://www.example/watch/a-new',
    });

    // The right id on every event; none for the refused media.
    const idOf = (externalId: string, mediaType: string) => fake.objects.find((o) => o.externalId === externalId && o.mediaType === mediaType)?.id;
    for (const r of fake.delivered()) {
      const id = idOf(String(r.json?.externalId), String(r.json?.mediaType));
      expect(r.json?.mediaBridgeId, String(r.json?.mediaName)).toBe(id === undefined ? undefined : Number(id));
    }

    // All of it within the one limit, which it had to wait for.
    const upstream = fake.requests.filter((r) => r.path.startsWith('/media-bridge/'));
    expect(upstream.length).toBeGreaterThan(RATE_LIMIT);
    expect(maxInWindow(upstream.map((r) => r.receivedAt))).toBeLessThanOrEqual(RATE_LIMIT);
    // Three listing pages of VIDEO, one of AUDIO.
    expect(fake.objectRequests().filter((r) => r.method === 'GET').map((r) => r.path.split('/').pop())).toEqual(['VIDEO', 'AUDIO', 'VIDEO', 'VIDEO']);

    const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as { mediaObjects: Record<string, unknown>; upstream: { state: string } };
    expect(health.upstream.state).toBe('ok');
    expect(health.mediaObjects).toMatchObject({
      mode: 'create',
      state: 'ok',
      known: 9,
      created: 3,
      failed: 1,
      failures: [{ externalId: 'v-refused', status: 400, message: 'title refused', correlationId: 'c-refused' }],
    });
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/^media_bridge_media_object_requests_total\{call="list",outcome="200"\} 4$/m);
    expect(metrics).toMatch(/^media_bridge_media_object_requests_total\{call="create",outcome="200"\} 3$/m);
    expect(metrics).toMatch(/^media_bridge_media_object_requests_total\{call="create",outcome="400"\} 1$/m);
    expect(metrics).toMatch(/^media_bridge_media_objects_known 9$/m);
  }, 90_000);
});
