/**
 * `MemoryPortalStore`: the portal store (./portal-store.ts) in memory. MemoryOutbox holds
 * one, and the proxy uses one on its own when an outbox does not implement the contract.
 */
import type { MediaType } from '../../wire.js';
import { type MediaCatalogSnapshot, type MediaObjectKey, type MediaObjectRecord, type PortalStore } from './portal-store.js';
export declare class MemoryPortalStore implements PortalStore {
    private readonly objects;
    private readonly claims;
    private readonly listedAt;
    mediaCatalog(): MediaCatalogSnapshot;
    mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined;
    putMediaObjects(records: readonly MediaObjectRecord[]): void;
    removeMediaObjects(keys: readonly MediaObjectKey[]): void;
    setMediaListedAt(mediaType: MediaType, at: number): void;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean;
}
