/**
 * The portal store (./portal-store.ts) in the SqliteOutbox's database, and the shelf of
 * OAuth's newest refresh tokens (./local-tokens.ts): four small tables beside `events`. The
 * file is mode 0600, as it holds the refresh token (see SqliteOutbox).
 */
import type Database from 'better-sqlite3';
import type { MediaType } from '../../wire.js';
import type { RefreshTokenShelf } from './local-tokens.js';
import { type MediaCatalogSnapshot, type MediaObjectKey, type MediaObjectRecord, type PortalStore } from './portal-store.js';
export declare class SqlitePortalStore implements PortalStore, RefreshTokenShelf {
    private readonly sql;
    private readonly put;
    private readonly remove;
    private readonly claim;
    constructor(db: Database.Database);
    keptRefreshToken(install: string): string | undefined;
    keepRefreshToken(install: string, refreshToken: string): void;
    mediaCatalog(): MediaCatalogSnapshot;
    mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined;
    putMediaObjects(records: readonly MediaObjectRecord[]): void;
    removeMediaObjects(keys: readonly MediaObjectKey[]): void;
    setMediaListedAt(mediaType: MediaType, at: number): void;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean;
    /** Forgets claims that lapsed before `now`. */
    prune(now: number): void;
}
