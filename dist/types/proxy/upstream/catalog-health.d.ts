/** The media catalog as /healthz shows it: counts, listings, and the latest errors. */
import type { MediaType } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import type { ObjectFailure } from './media-objects.js';
import type { ObjectCalls } from './object-calls.js';
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
    lastError?: Omit<ObjectFailure, 'at'> & {
        at: string;
    };
    /** The latest objects HubSpot refused to create, with its error. */
    failures: Array<{
        mediaType: MediaType;
        externalId: string;
        failedAt: string;
    } & UpstreamError>;
}
export declare function catalogHealth(snapshot: CatalogSnapshot, calls: ObjectCalls, pending: number): CatalogHealth;
