/** The media catalog as /healthz shows it: counts, listings, and the latest errors. */
import type { MediaType } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import type { MediaObjectRecord } from '../store/portal-store.js';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import type { ObjectFailure } from './media-objects.js';
import type { ObjectCalls } from './object-calls.js';

/** Failures kept for /healthz. */
const SHOWN_FAILURES = 10;

/** The catalog in /healthz. */
export interface CatalogHealth {
  mode: 'create';
  /** `listing` while a listing is read, `stopped` after a 403 (until restart). */
  state: 'ok' | 'listing' | 'stopped';
  /** Objects with a HubSpot id: found in listings or created. */
  known: number;
  /** Of those, created by a proxy. */
  created: number;
  /** Objects HubSpot refused to create. */
  failed: number;
  /** Media whose object is being looked up or created now. */
  pending: number;
  /** When each media type's last complete listing ended. */
  listed: Partial<Record<MediaType, string>>;
  /** After a 403: the scopes HubSpot says (or the call needs) are missing. */
  missingScopes?: string[];
  lastError?: Omit<ObjectFailure, 'at'> & { at: string };
  /** The latest objects HubSpot refused to create, with its error. */
  failures: Array<{ mediaType: MediaType; externalId: string; failedAt: string } & UpstreamError>;
}

export function catalogHealth(snapshot: CatalogSnapshot, calls: ObjectCalls, pending: number): CatalogHealth {
  let known = 0;
  let created = 0;
  const failed: MediaObjectRecord[] = [];
  for (const r of snapshot.known.values()) {
    if (r.objectId !== undefined) known++;
    if (r.source === 'created') created++;
    if (r.source === 'failed') failed.push(r);
  }
  const listed: CatalogHealth['listed'] = {};
  let listing = false;
  for (const [type, l] of snapshot.listings) {
    if (l.listedAt !== undefined) listed[type] = new Date(l.listedAt).toISOString();
    if (l.running) listing = true;
  }
  failed.sort((a, b) => b.at - a.at);
  const out: CatalogHealth = {
    mode: 'create',
    state: calls.stopped ? 'stopped' : listing ? 'listing' : 'ok',
    known,
    created,
    failed: failed.length,
    pending,
    listed,
    failures: failed.slice(0, SHOWN_FAILURES).map((r) => ({ mediaType: r.mediaType, externalId: r.externalId, failedAt: new Date(r.at).toISOString(), ...r.error })),
  };
  if (calls.stopped) out.missingScopes = calls.stopped.scopes;
  if (calls.lastError) out.lastError = { ...calls.lastError, at: new Date(calls.lastError.at).toISOString() };
  return out;
}
