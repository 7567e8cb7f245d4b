import type { MediaType } from '../../../wire.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from '../portal-store.js';
import type { RedisLink } from './connection.js';
import type { RedisKeys } from './keys.js';
export declare class RedisPortalStore implements PortalStore {
    private readonly link;
    private readonly keys;
    private readonly redis;
    constructor(link: RedisLink, keys: RedisKeys);
    mediaCatalog(): Promise<MediaCatalogSnapshot>;
    mediaObject(mediaType: MediaType, externalId: string): Promise<MediaObjectRecord | undefined>;
    putMediaObjects(records: readonly MediaObjectRecord[]): Promise<void>;
    removeMediaObjects(keys: readonly MediaObjectKey[]): Promise<void>;
    setMediaListedAt(mediaType: MediaType, at: number): Promise<void>;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): Promise<boolean>;
}
