/**
 * Listing: each media type's listing is read whole, every page, and kept in the store with
 * when it ended. A listing older than `refreshMs` is read again, and no object is created
 * until its type has a listing that fresh. Before listing again it looks in the store: a
 * proxy sharing it (Redis) may have just listed, and then this one takes that listing.
 */
import type { MediaType } from '../../wire.js';
import type { Logger } from '../log.js';
import type { MediaObjectRecord } from '../store/portal-store.js';
import type { UpstreamResult } from './backoff.js';
import type { CatalogSnapshot, Listing } from './catalog-snapshot.js';
import { LIST_PAGE_LIMIT, mediaKey, readListingPage } from './media-objects.js';
import type { ObjectCalls } from './object-calls.js';
import { listMediaObjects } from './objects-client.js';

/** A stale listing looks in the store again first, unless it was read this recently. */
const STORE_LOOK_MS = 60_000;

export class CatalogListing {
  constructor(
    private readonly snapshot: CatalogSnapshot,
    private readonly calls: ObjectCalls,
    private readonly o: { refreshMs: number; now: () => number; log: Logger },
  ) {}

  /** Resolves true once `type` has a listing younger than `refreshMs`, reading it if needed. */
  async fresh(type: MediaType): Promise<boolean> {
    await this.snapshot.load();
    const l = this.snapshot.listing(type);
    if (this.listedLately(l)) return true;
    if (l.refusedAt !== undefined && this.o.now() - l.refusedAt < this.o.refreshMs) return false;
    l.running ??= this.relist(type, l).finally(() => (l.running = undefined));
    return l.running;
  }

  private listedLately(l: Listing): boolean {
    return l.listedAt !== undefined && this.o.now() - l.listedAt < this.o.refreshMs;
  }

  /** Lists `type` again, unless the store shows a proxy sharing it did lately. */
  private async relist(type: MediaType, l: Listing): Promise<boolean> {
    if (this.o.now() - this.snapshot.readAt >= STORE_LOOK_MS) {
      await this.snapshot.readStore();
      if (this.listedLately(l)) return true;
    }
    return this.list(type);
  }

  /** Reads every page of `type`'s listing into the catalog. */
  private async list(type: MediaType): Promise<boolean> {
    const { snapshot, calls } = this;
    const startedAt = this.o.now();
    const seen = new Set<string>();
    let after: string | undefined;
    let limit = LIST_PAGE_LIMIT;
    for (let page = 1; ; page++) {
      const outcome = await calls.call('list', type, (req) => listMediaObjects(req, type, after, limit));
      if (outcome.kind === 'stopped') return false;
      const read = outcome.kind === 'ok' ? readListingPage(outcome.result.body) : undefined;
      if (!read) {
        // Refused, or not a listing. HubSpot documents no maximum page size: try its default once.
        if (outcome.kind === 'refused' && limit !== 20) {
          limit = 20;
          page--;
          continue;
        }
        const error = outcome.kind === 'refused' ? outcome.error : { status: (outcome as { result: UpstreamResult }).result.status, message: 'the listing answer is not a page of objects' };
        calls.fail({ call: 'list', mediaType: type, at: this.o.now(), ...error });
        this.o.log.warn('media catalog: HubSpot refused the listing; no object of this type will be created', { mediaType: type, ...error });
        snapshot.listing(type).refusedAt = this.o.now();
        return false;
      }
      const records: MediaObjectRecord[] = [];
      for (const o of read.objects) {
        if (o.externalId === undefined || o.mediaType !== type) continue;
        const key = mediaKey(type, o.externalId);
        if (seen.has(key)) continue; // two objects with one external id: the first listed wins
        seen.add(key);
        const mine = snapshot.known.get(key);
        records.push({ mediaType: type, externalId: o.externalId, objectId: o.id, source: mine?.objectId === o.id ? mine.source : 'listed', at: this.o.now() });
      }
      await snapshot.learn(records);
      this.o.log.debug('media catalog: read a listing page', { mediaType: type, page, objects: read.objects.length });
      if (read.after === undefined) break;
      after = read.after;
    }
    // Objects gone from HubSpot since they were learned are forgotten (not ones learned during this listing).
    const gone = [...snapshot.known.values()].filter((r) => r.mediaType === type && r.objectId !== undefined && r.at < startedAt && !seen.has(mediaKey(r.mediaType, r.externalId)));
    await snapshot.listed(type, this.o.now(), gone);
    this.o.log.info('media catalog: listed', { mediaType: type, objects: seen.size, forgotten: gone.length });
    return true;
  }
}
