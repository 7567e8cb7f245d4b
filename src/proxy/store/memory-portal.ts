/**
 * `MemoryPortalStore`: the portal store (./portal-store.ts) in memory. MemoryOutbox holds
 * one, and the proxy uses one on its own when an outbox does not implement the contract.
 */
import type { MediaType } from '../../wire.js';
import { mayClaim, type MediaCatalogSnapshot, type MediaObjectKey, type MediaObjectRecord, type PortalStore } from './portal-store.js';

const keyOf = (mediaType: MediaType, externalId: string) => `${mediaType}\u0000${externalId}`;

export class MemoryPortalStore implements PortalStore {
  private readonly objects = new Map<string, MediaObjectRecord>();
  private readonly claims = new Map<string, { owner: string; until: number }>();
  private readonly listedAt: Partial<Record<MediaType, number>> = {};

  mediaCatalog(): MediaCatalogSnapshot {
    return { objects: [...this.objects.values()].map(copy), listedAt: { ...this.listedAt } };
  }

  mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined {
    const r = this.objects.get(keyOf(mediaType, externalId));
    return r && copy(r);
  }

  putMediaObjects(records: readonly MediaObjectRecord[]): void {
    for (const r of records) this.objects.set(keyOf(r.mediaType, r.externalId), copy(r));
  }

  removeMediaObjects(keys: readonly MediaObjectKey[]): void {
    for (const k of keys) this.objects.delete(keyOf(k.mediaType, k.externalId));
  }

  setMediaListedAt(mediaType: MediaType, at: number): void {
    this.listedAt[mediaType] = at;
  }

  claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean {
    const key = keyOf(mediaType, externalId);
    if (!mayClaim(this.objects.get(key), this.claims.get(key), owner, now)) return false;
    this.claims.set(key, { owner, until });
    return true;
  }
}

function copy(r: MediaObjectRecord): MediaObjectRecord {
  return r.error ? { ...r, error: { ...r.error } } : { ...r };
}
