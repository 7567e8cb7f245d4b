/**
 * What the proxy remembers about the HubSpot portal it forwards to, beside the events: the
 * newest refresh token of its OAuth install (HubSpot may rotate it on a refresh), and the
 * catalog of the portal's media objects. Kept in the same store as the outbox, so that a
 * restart uses neither a spent token nor lists every object again, and several proxies
 * sharing one store share one catalog.
 *
 * `MemoryOutbox` and `SqliteOutbox` implement it. An `Outbox` of your own may; if it does
 * not, the proxy keeps both in memory (lost at restart) and says so at start-up.
 */
import type { MediaType } from '../../wire.js';
import type { RefreshTokenKeep } from '../upstream/oauth.js';
import type { UpstreamError } from '../upstream/backoff.js';
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
  /** The newest refresh token kept for an install (`install` is a fingerprint of its configured token). */
  keptRefreshToken(install: string): MaybePromise<string | undefined>;
  keepRefreshToken(install: string, refreshToken: string): MaybePromise<void>;
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

const METHODS = ['keptRefreshToken', 'keepRefreshToken', 'mediaCatalog', 'mediaObject', 'putMediaObjects', 'removeMediaObjects', 'setMediaListedAt', 'claimMediaObject'] as const;

/** True when `store` implements the whole contract. */
export function isPortalStore(store: unknown): store is PortalStore {
  return typeof store === 'object' && store !== null && METHODS.every((m) => typeof (store as Record<string, unknown>)[m] === 'function');
}

/** The claim rule, shared by the stores that evaluate it in process. */
export function mayClaim(record: MediaObjectRecord | undefined, claim: { owner: string; until: number } | undefined, owner: string, now: number): boolean {
  if (record?.objectId !== undefined) return false;
  return !claim || claim.owner === owner || claim.until <= now;
}

/**
 * The refresh-token keep of one install, over a store. An install is named by a SHA-256
 * fingerprint of its client id and its configured refresh token, so a new token in the
 * environment (a new install) is used as given rather than overridden by an old one kept.
 */
export function refreshTokenKeep(store: PortalStore, clientId: string, configured: string): RefreshTokenKeep {
  let install: Promise<string> | undefined;
  const key = () => (install ??= fingerprint(`${clientId}\n${configured}`));
  return {
    load: async () => store.keptRefreshToken(await key()),
    save: async (token) => store.keepRefreshToken(await key(), token),
  };
}

async function fingerprint(text: string): Promise<string> {
  // WebCrypto: in Node 20, Workers, Deno and Bun alike.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
