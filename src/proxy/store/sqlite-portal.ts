/**
 * The portal store (./portal-store.ts) in the SqliteOutbox's database, and the shelf of
 * OAuth's newest refresh tokens (./local-tokens.ts): four small tables beside `events`. The
 * file is mode 0600, as it holds the refresh token (see SqliteOutbox).
 */
import type Database from 'better-sqlite3';
import type { MediaType } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import type { RefreshTokenShelf } from './local-tokens.js';
import { mayClaim, type MediaCatalogSnapshot, type MediaObjectKey, type MediaObjectRecord, type PortalStore } from './portal-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kept_tokens (install TEXT PRIMARY KEY, token TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_objects (
  media_type TEXT NOT NULL,
  external_id TEXT NOT NULL,
  object_id TEXT,
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  error TEXT,
  PRIMARY KEY (media_type, external_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_claims (
  media_type TEXT NOT NULL,
  external_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (media_type, external_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_listings (media_type TEXT PRIMARY KEY, listed_at INTEGER NOT NULL) WITHOUT ROWID;
`;

interface ObjectRow {
  media_type: MediaType;
  external_id: string;
  object_id: string | null;
  source: MediaObjectRecord['source'];
  at: number;
  error: string | null;
}

export class SqlitePortalStore implements PortalStore, RefreshTokenShelf {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly put: (records: readonly MediaObjectRecord[]) => void;
  private readonly remove: (keys: readonly MediaObjectKey[]) => void;
  private readonly claim: (mediaType: MediaType, externalId: string, owner: string, now: number, until: number) => boolean;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    const sql = (this.sql = prepare(db));
    this.put = db.transaction((records: readonly MediaObjectRecord[]) => {
      for (const r of records) sql.putObject.run(r.mediaType, r.externalId, r.objectId ?? null, r.source, r.at, r.error ? JSON.stringify(r.error) : null);
    });
    this.remove = db.transaction((keys: readonly MediaObjectKey[]) => {
      for (const k of keys) sql.removeObject.run(k.mediaType, k.externalId);
    });
    // One transaction: on one connection it cannot interleave with another claim.
    this.claim = db.transaction((mediaType: MediaType, externalId: string, owner: string, now: number, until: number) => {
      const row = sql.getObject.get(mediaType, externalId) as ObjectRow | undefined;
      const claim = sql.getClaim.get(mediaType, externalId) as { owner: string; until: number } | undefined;
      if (!mayClaim(row && toRecord(row), claim, owner, now)) return false;
      sql.putClaim.run(mediaType, externalId, owner, until);
      return true;
    });
  }

  keptRefreshToken(install: string): string | undefined {
    return this.sql.getToken.get(install) as string | undefined;
  }

  keepRefreshToken(install: string, refreshToken: string): void {
    this.sql.putToken.run(install, refreshToken);
  }

  mediaCatalog(): MediaCatalogSnapshot {
    const listedAt: MediaCatalogSnapshot['listedAt'] = {};
    for (const l of this.sql.listings.all() as Array<{ media_type: MediaType; listed_at: number }>) listedAt[l.media_type] = l.listed_at;
    return { objects: (this.sql.allObjects.all() as ObjectRow[]).map(toRecord), listedAt };
  }

  mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined {
    const row = this.sql.getObject.get(mediaType, externalId) as ObjectRow | undefined;
    return row && toRecord(row);
  }

  putMediaObjects(records: readonly MediaObjectRecord[]): void {
    this.put(records);
  }

  removeMediaObjects(keys: readonly MediaObjectKey[]): void {
    this.remove(keys);
  }

  setMediaListedAt(mediaType: MediaType, at: number): void {
    this.sql.putListing.run(mediaType, at);
  }

  claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean {
    return this.claim(mediaType, externalId, owner, now, until);
  }

  /** Forgets claims that lapsed before `now`. */
  prune(now: number): void {
    this.sql.pruneClaims.run(now);
  }
}

function prepare(db: Database.Database) {
  return {
    getToken: db.prepare('SELECT token FROM kept_tokens WHERE install = ?').pluck(),
    putToken: db.prepare('INSERT INTO kept_tokens (install, token) VALUES (?, ?) ON CONFLICT (install) DO UPDATE SET token = excluded.token'),
    allObjects: db.prepare('SELECT * FROM media_objects'),
    getObject: db.prepare('SELECT * FROM media_objects WHERE media_type = ? AND external_id = ?'),
    putObject: db.prepare(`
      INSERT INTO media_objects (media_type, external_id, object_id, source, at, error) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (media_type, external_id) DO UPDATE SET
        object_id = excluded.object_id, source = excluded.source, at = excluded.at, error = excluded.error`),
    removeObject: db.prepare('DELETE FROM media_objects WHERE media_type = ? AND external_id = ?'),
    listings: db.prepare('SELECT media_type, listed_at FROM media_listings'),
    putListing: db.prepare('INSERT INTO media_listings (media_type, listed_at) VALUES (?, ?) ON CONFLICT (media_type) DO UPDATE SET listed_at = excluded.listed_at'),
    getClaim: db.prepare('SELECT owner, until FROM media_claims WHERE media_type = ? AND external_id = ?'),
    putClaim: db.prepare('INSERT INTO media_claims (media_type, external_id, owner, until) VALUES (?, ?, ?, ?) ON CONFLICT (media_type, external_id) DO UPDATE SET owner = excluded.owner, until = excluded.until'),
    pruneClaims: db.prepare('DELETE FROM media_claims WHERE until < ?'),
  };
}

function toRecord(row: ObjectRow): MediaObjectRecord {
  const r: MediaObjectRecord = { mediaType: row.media_type, externalId: row.external_id, source: row.source, at: row.at };
  if (row.object_id !== null) r.objectId = row.object_id;
  if (row.error) r.error = JSON.parse(row.error) as UpstreamError;
  return r;
}
