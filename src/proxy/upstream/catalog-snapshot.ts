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
import { mediaBridgeIdOf, mediaKey } from './media-objects.js';

/** What is known of one media type's listing. */
export interface Listing {
  listedAt?: number;
  running?: Promise<boolean>;
  /** A listing HubSpot refused (a 400): not tried again before `refreshMs`. */
  refusedAt?: number;
}

export class CatalogSnapshot {
  /** Every record, by `mediaKey`. */
  readonly known = new Map<string, MediaObjectRecord>();
  readonly listings = new Map<MediaType, Listing>();
  /** When the store's catalog was last read. */
  readAt = -Infinity;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly store: PortalStore,
    private readonly log: Logger,
    private readonly now: () => number,
    /** Told after records were learned and written, so their waiting events can go. */
    private readonly onLearned: (records: MediaObjectRecord[]) => void,
  ) {}

  /** Reads the store once, the first time anything needs the catalog. */
  load(): Promise<void> {
    this.loaded ??= this.readStore();
    return this.loaded;
  }

  /** Takes in what the store holds: this proxy's catalog of a previous run, or what proxies sharing the store learned. */
  async readStore(): Promise<void> {
    this.readAt = this.now();
    try {
      const snapshot = await this.store.mediaCatalog();
      for (const r of snapshot.objects) {
        const key = mediaKey(r.mediaType, r.externalId);
        const mine = this.known.get(key);
        if (!mine || mine.at <= r.at) this.known.set(key, r);
      }
      for (const [type, at] of Object.entries(snapshot.listedAt)) {
        const l = this.listing(type as MediaType);
        if (l.listedAt === undefined || l.listedAt < at) l.listedAt = at;
      }
    } catch (error) {
      this.log.error('media catalog: reading the kept catalog failed; listing again', { error: String(error) });
    }
  }

  listing(type: MediaType): Listing {
    let l = this.listings.get(type);
    if (!l) this.listings.set(type, (l = {}));
    return l;
  }

  /** The media's `mediaBridgeId`, when its object is known. */
  idOf(key: string): number | undefined {
    const objectId = this.known.get(key)?.objectId;
    return objectId === undefined ? undefined : mediaBridgeIdOf(objectId);
  }

  /** Adds records to the catalog and the store, and lets their waiting events go. */
  async learn(records: MediaObjectRecord[]): Promise<void> {
    if (!records.length) return;
    for (const r of records) this.known.set(mediaKey(r.mediaType, r.externalId), r);
    await this.keep(() => this.store.putMediaObjects(records));
    this.onLearned(records);
  }

  /** A complete listing of `type` ended at `listedAt`; `gone` are the objects it no longer has. */
  async listed(type: MediaType, listedAt: number, gone: MediaObjectRecord[]): Promise<void> {
    for (const r of gone) this.known.delete(mediaKey(r.mediaType, r.externalId));
    this.listing(type).listedAt = listedAt;
    await this.keep(async () => {
      if (gone.length) await this.store.removeMediaObjects(gone);
      await this.store.setMediaListedAt(type, listedAt);
    });
  }

  /** A store write: a failure is logged, and the catalog in memory goes on. */
  private async keep(write: () => unknown): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.log.error('media catalog: writing to the store failed', { error: String(error) });
    }
  }
}
