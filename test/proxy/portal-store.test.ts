/**
 * The PortalStore contract (the media catalog, its listing times, the claim on a creation),
 * run against every store, the Redis one on a real Redis; plus what only SQLite promises
 * (it survives reopening, its files are readable by their owner only) and what only Redis
 * does (instances on one queue share one catalog and one claim).
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import { MemoryPortalStore } from '../../src/proxy/store/memory-portal.js';
import { isPortalStore, type MediaObjectRecord, type PortalStore } from '../../src/proxy/store/portal-store.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { tempDir } from './temp-dirs.js';

const T0 = 1_700_000_000_000;
const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
let queues = 0;
const redisOutbox = (queue = `portal-${++queues}`) => new RedisOutbox({ url: redis.url, queue, logger: silentLogger });

const stores: Array<[string, () => PortalStore]> = [
  ['MemoryPortalStore', () => new MemoryPortalStore()],
  ['MemoryOutbox', () => new MemoryOutbox()],
  ['SqliteOutbox', () => new SqliteOutbox(join(tempDir('mbt-portal-'), 'outbox.sqlite'))],
  ['RedisOutbox', () => redisOutbox()],
];

const video = (externalId: string, extra: Partial<MediaObjectRecord> = {}): MediaObjectRecord => ({ mediaType: 'VIDEO', externalId, objectId: `id-${externalId}`, source: 'listed', at: T0, ...extra });

describe.each(stores)('%s', (_name, make) => {
  const open = () => {
    const s = make();
    if ('close' in s) opened.push(s as { close(): unknown });
    return s;
  };

  it('implements the whole contract', () => {
    expect(isPortalStore(open())).toBe(true);
  });

  it('stores, replaces and removes media objects by type and external id', async () => {
    const s = open();
    await s.putMediaObjects([video('a'), video('b'), { mediaType: 'AUDIO', externalId: 'a', objectId: '9', source: 'created', at: T0 + 1 }]);
    await s.putMediaObjects([video('b', { source: 'failed', objectId: undefined, error: { status: 400, message: 'title refused' }, at: T0 + 2 })]);
    expect(await s.mediaObject('VIDEO', 'a')).toEqual(video('a'));
    expect(await s.mediaObject('VIDEO', 'b')).toEqual({ mediaType: 'VIDEO', externalId: 'b', source: 'failed', at: T0 + 2, error: { status: 400, message: 'title refused' } });
    expect(await s.mediaObject('AUDIO', 'a')).toEqual({ mediaType: 'AUDIO', externalId: 'a', objectId: '9', source: 'created', at: T0 + 1 });
    expect(await s.mediaObject('IMAGE', 'a')).toBeUndefined();
    await s.removeMediaObjects([{ mediaType: 'VIDEO', externalId: 'a' }]);
    const { objects } = await s.mediaCatalog();
    expect(objects.map((o) => `${o.mediaType}/${o.externalId}`).sort()).toEqual(['AUDIO/a', 'VIDEO/b']);
  });

  it('hands out copies, never its own records', async () => {
    const s = open();
    const r = video('a');
    await s.putMediaObjects([r]);
    r.objectId = 'changed';
    const got = (await s.mediaObject('VIDEO', 'a'))!;
    got.objectId = 'changed too';
    expect((await s.mediaObject('VIDEO', 'a'))!.objectId).toBe('id-a');
  });

  it('remembers when each media type was last listed', async () => {
    const s = open();
    expect((await s.mediaCatalog()).listedAt).toEqual({});
    await s.setMediaListedAt('VIDEO', T0);
    await s.setMediaListedAt('VIDEO', T0 + 5);
    await s.setMediaListedAt('AUDIO', T0 + 1);
    expect((await s.mediaCatalog()).listedAt).toEqual({ VIDEO: T0 + 5, AUDIO: T0 + 1 });
  });

  it('lets one owner at a time claim the creation of an object, until the claim lapses or the object exists', async () => {
    const s = open();
    expect(await s.claimMediaObject('VIDEO', 'new', 'p1', T0, T0 + 1000)).toBe(true);
    expect(await s.claimMediaObject('VIDEO', 'new', 'p2', T0 + 10, T0 + 1010)).toBe(false);
    // The same owner renews.
    expect(await s.claimMediaObject('VIDEO', 'new', 'p1', T0 + 500, T0 + 2000)).toBe(true);
    expect(await s.claimMediaObject('VIDEO', 'new', 'p2', T0 + 1500, T0 + 2500)).toBe(false);
    // Lapsed: another owner may take it.
    expect(await s.claimMediaObject('VIDEO', 'new', 'p2', T0 + 2000, T0 + 3000)).toBe(true);
    // Another key, another claim.
    expect(await s.claimMediaObject('AUDIO', 'new', 'p1', T0 + 2000, T0 + 3000)).toBe(true);
    // Once the object exists nobody creates it; a failed one may be tried again.
    await s.putMediaObjects([video('made'), video('refused', { objectId: undefined, source: 'failed' })]);
    expect(await s.claimMediaObject('VIDEO', 'made', 'p1', T0, T0 + 1000)).toBe(false);
    expect(await s.claimMediaObject('VIDEO', 'refused', 'p1', T0, T0 + 1000)).toBe(true);
  });
});

describe('SqliteOutbox as a portal store', () => {
  it('keeps everything across reopening', async () => {
    const file = join(tempDir('mbt-portal-'), 'outbox.sqlite');
    const a = new SqliteOutbox(file);
    a.putMediaObjects([video('a', { source: 'created' })]);
    a.setMediaListedAt('VIDEO', T0);
    expect(a.claimMediaObject('VIDEO', 'b', 'p1', T0, T0 + 60_000)).toBe(true);
    a.close();
    const b = new SqliteOutbox(file);
    opened.push(b);
    expect(b.mediaCatalog()).toEqual({ objects: [video('a', { source: 'created' })], listedAt: { VIDEO: T0 } });
    // The claim outlived the process that made it, until it lapses.
    expect(b.claimMediaObject('VIDEO', 'b', 'p2', T0 + 1, T0 + 60_001)).toBe(false);
    expect(b.claimMediaObject('VIDEO', 'b', 'p2', T0 + 60_000, T0 + 120_000)).toBe(true);
  });

  it('makes its files readable by their owner only, existing ones too', async () => {
    const dir = tempDir('mbt-portal-');
    const file = join(dir, 'outbox.sqlite');
    // An outbox made by an older version, readable by all.
    for (const f of [file, `${file}-intake`]) writeFileSync(f, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    const o = new SqliteOutbox(file);
    opened.push(o);
    await o.tokenStore().write('i', { accessToken: 'a-1', expiresAt: T0, refreshToken: 'r-1' });
    await o.add([{ type: 'media-played', id: 'e1', sessionId: 's', mediaType: 'VIDEO', occurredTimestamp: T0, state: 'STARTED' }], T0);
    o.claim(10, T0 + 10_000);
    for (const f of [file, `${file}-wal`, `${file}-intake`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });
});

describe('RedisOutbox as a portal store', () => {
  it('gives the instances on one queue one catalog and one claim, and other queues their own', async () => {
    const [a, b, other] = [redisOutbox('portal-shared'), redisOutbox('portal-shared'), redisOutbox('portal-other')];
    opened.push(a, b, other);
    await a.putMediaObjects([video('seen')]);
    await a.setMediaListedAt('VIDEO', T0);
    expect(await b.mediaCatalog()).toEqual({ objects: [video('seen')], listedAt: { VIDEO: T0 } });
    expect(await other.mediaCatalog()).toEqual({ objects: [], listedAt: {} });
    // Twenty claims at once from two instances: one wins.
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimMediaObject('VIDEO', 'new', `p${i}`, T0, T0 + 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await other.claimMediaObject('VIDEO', 'new', 'p-other', T0, T0 + 60_000)).toBe(true);
  });
});
