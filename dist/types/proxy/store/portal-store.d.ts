/**
 * What the proxy remembers about the HubSpot portal's media objects, beside the events: the
 * catalog of the objects it found or made, when each media type was last listed, and the
 * claims on creating one. Kept in the same store as the outbox, so that a restart does not
 * list every object again, and several proxies sharing one store (Redis) share one catalog
 * and create each object once between them.
 *
 * `MemoryOutbox`, `SqliteOutbox` and `RedisOutbox` implement it. An `Outbox` of your own may;
 * if it does not, the proxy keeps the catalog in memory (listed again at each start) and
 * says so at start-up. (OAuth's tokens are kept through `Outbox.tokenStore`.)
 */
import type { MediaType } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import type { MaybePromise } from './outbox.js';
/** One media object as the catalog knows it, keyed by media type and external id. */
export interface MediaObjectRecord {
    mediaType: MediaType;
    /** The object's `externalId` (`hs_external_id`), what the tracker sends as `externalId`. */
    externalId: string;
    /** HubSpot's object id; absent when creating the object failed. */
    objectId?: string;
    /** `listed`: found in HubSpot's listing; `created`: created by a proxy; `failed`: HubSpot refused to create it. */
    source: 'listed' | 'created' | 'failed';
    /** When it was learned (ms since the epoch). */
    at: number;
    /** Why HubSpot refused to create it. */
    error?: UpstreamError;
}
export interface MediaObjectKey {
    mediaType: MediaType;
    externalId: string;
}
export interface MediaCatalogSnapshot {
    objects: MediaObjectRecord[];
    /** When the last complete listing of each media type ended. */
    listedAt: Partial<Record<MediaType, number>>;
}
/** The contract. Methods may return promises. */
export interface PortalStore {
    /** Everything the catalog holds. */
    mediaCatalog(): MaybePromise<MediaCatalogSnapshot>;
    mediaObject(mediaType: MediaType, externalId: string): MaybePromise<MediaObjectRecord | undefined>;
    /** Stores records, replacing any of the same key. */
    putMediaObjects(records: readonly MediaObjectRecord[]): MaybePromise<void>;
    removeMediaObjects(keys: readonly MediaObjectKey[]): MaybePromise<void>;
    /** Notes that a complete listing of `mediaType` ended at `at`. */
    setMediaListedAt(mediaType: MediaType, at: number): MaybePromise<void>;
    /**
     * Takes, atomically, the right to create one object until `until`: true when no record of
     * it holds an object id and no other `owner` holds an unexpired claim at `now`. Claiming
     * again as the same owner extends the claim. This is what makes 20 sessions of a new video
     * on several proxies one creation.
     */
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): MaybePromise<boolean>;
}
/** True when `store` implements the whole contract. */
export declare function isPortalStore(store: unknown): store is PortalStore;
/** The claim rule, shared by the stores that evaluate it in process. */
export declare function mayClaim(record: MediaObjectRecord | undefined, claim: {
    owner: string;
    until: number;
} | undefined, owner: string, now: number): boolean;
