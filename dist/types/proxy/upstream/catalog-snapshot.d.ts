/**
 * The catalog in memory, and its copy in the store (PortalStore): which objects are known,
 * and when each media type was last listed in full. What the store holds (this proxy's
 * catalog of a previous run, or what proxies sharing the store learned) is merged in, the
 * newer record winning; what this proxy learns is written through. A store that fails is
 * logged, and the catalog in memory goes on.
 */
import type { MediaType } from '../../wire.js';
import type { Logger } from '../log.js';
import type { MediaObjectRecord, PortalStore } from '../store/portal-store.js';
/** What is known of one media type's listing. */
export interface Listing {
    listedAt?: number;
    running?: Promise<boolean>;
    /** A listing HubSpot refused (a 400): not tried again before `refreshMs`. */
    refusedAt?: number;
}
export declare class CatalogSnapshot {
    private readonly store;
    private readonly log;
    private readonly now;
    /** Told after records were learned and written, so their waiting events can go. */
    private readonly onLearned;
    /** Every record, by `mediaKey`. */
    readonly known: Map<string, MediaObjectRecord>;
    readonly listings: Map<MediaType, Listing>;
    /** When the store's catalog was last read. */
    readAt: number;
    private loaded;
    constructor(store: PortalStore, log: Logger, now: () => number, 
    /** Told after records were learned and written, so their waiting events can go. */
    onLearned: (records: MediaObjectRecord[]) => void);
    /** Reads the store once, the first time anything needs the catalog. */
    load(): Promise<void>;
    /** Takes in what the store holds: this proxy's catalog of a previous run, or what proxies sharing the store learned. */
    readStore(): Promise<void>;
    listing(type: MediaType): Listing;
    /** The media's `mediaBridgeId`, when its object is known. */
    idOf(key: string): number | undefined;
    /** Adds records to the catalog and the store, and lets their waiting events go. */
    learn(records: MediaObjectRecord[]): Promise<void>;
    /** A complete listing of `type` ended at `listedAt`; `gone` are the objects it no longer has. */
    listed(type: MediaType, listedAt: number, gone: MediaObjectRecord[]): Promise<void>;
    /** A store write: a failure is logged, and the catalog in memory goes on. */
    private keep;
}
