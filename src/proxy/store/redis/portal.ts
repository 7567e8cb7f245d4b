/**
 * The portal store (../portal-store.ts) in Redis, shared by every proxy instance on one
 * queue: one media catalog for all, and the claim that makes a new object one creation
 * whichever instances its sessions reach.
 *
 * - the catalog is a hash of records (JSON) by `mediaType:externalId`;
 * - the listing times are a hash by media type;
 * - a claim is a key of its own, taken and checked in one script (claimMediaObject-2.lua).
 *
 * Claims compare the callers' clocks (`now`, `until`): a claim lasts a minute, so clocks
 * that agree within seconds are enough.
 */
import type { Redis } from 'ioredis';
import type { MediaType } from '../../../wire.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from '../portal-store.js';
import type { RedisLink } from './connection.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';

/** How long a claim's key outlives its `until` (the decision reads `until`; this is clean-up). */
const CLAIM_KEY_MARGIN_MS = 10 * 60_000;

const fieldOf = (mediaType: MediaType, externalId: string) => `${mediaType}:${externalId}`;

export class RedisPortalStore implements PortalStore {
  private readonly redis: Redis;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeys,
  ) {
    this.redis = link.fast;
  }

  async mediaCatalog(): Promise<MediaCatalogSnapshot> {
    await this.link.started();
    const results = await this.redis.multi().hgetall(this.keys.mediaObjects).hgetall(this.keys.mediaListed).exec();
    if (!results) throw new Error('the Redis transaction was discarded');
    for (const [error] of results) if (error) throw error;
    const [[, objects], [, listed]] = results as [[null, Record<string, string>], [null, Record<string, string>]];
    const listedAt: MediaCatalogSnapshot['listedAt'] = {};
    for (const [type, at] of Object.entries(listed)) listedAt[type as MediaType] = Number(at);
    return { objects: Object.values(objects).map(parse), listedAt };
  }

  async mediaObject(mediaType: MediaType, externalId: string): Promise<MediaObjectRecord | undefined> {
    await this.link.started();
    const json = await this.redis.hget(this.keys.mediaObjects, fieldOf(mediaType, externalId));
    return json === null ? undefined : parse(json);
  }

  async putMediaObjects(records: readonly MediaObjectRecord[]): Promise<void> {
    if (!records.length) return;
    await this.link.started();
    const fields = records.flatMap((r) => [fieldOf(r.mediaType, r.externalId), JSON.stringify(r)]);
    await this.redis.hset(this.keys.mediaObjects, ...fields);
  }

  async removeMediaObjects(keys: readonly MediaObjectKey[]): Promise<void> {
    if (!keys.length) return;
    await this.link.started();
    await this.redis.hdel(this.keys.mediaObjects, ...keys.map((k) => fieldOf(k.mediaType, k.externalId)));
  }

  async setMediaListedAt(mediaType: MediaType, at: number): Promise<void> {
    await this.link.started();
    await this.redis.hset(this.keys.mediaListed, mediaType, String(at));
  }

  async claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): Promise<boolean> {
    await this.link.started();
    const field = fieldOf(mediaType, externalId);
    const claimed = await runScript<number>(this.redis, 'claimMediaObject', [this.keys.mediaObjects, this.keys.mediaClaim(field)], [field, owner, now, until, CLAIM_KEY_MARGIN_MS]);
    return claimed === 1;
  }
}

/** A record as stored: JSON of the record itself, which has no field JSON cannot carry. */
function parse(json: string): MediaObjectRecord {
  return JSON.parse(json) as MediaObjectRecord;
}
