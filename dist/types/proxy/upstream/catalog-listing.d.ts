/**
 * Listing: each media type's listing is read whole, every page, and kept in the store with
 * when it ended. A listing older than `refreshMs` is read again, and no object is created
 * until its type has a listing that fresh. Before listing again it looks in the store: a
 * proxy sharing it (Redis) may have just listed, and then this one takes that listing.
 */
import type { MediaType } from '../../wire.js';
import type { Logger } from '../log.js';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import type { ObjectCalls } from './object-calls.js';
export declare class CatalogListing {
    private readonly snapshot;
    private readonly calls;
    private readonly o;
    constructor(snapshot: CatalogSnapshot, calls: ObjectCalls, o: {
        refreshMs: number;
        now: () => number;
        log: Logger;
    });
    /** Resolves true once `type` has a listing younger than `refreshMs`, reading it if needed. */
    fresh(type: MediaType): Promise<boolean>;
    private listedLately;
    /** Lists `type` again, unless the store shows a proxy sharing it did lately. */
    private relist;
    /** Reads every page of `type`'s listing into the catalog. */
    private list;
}
