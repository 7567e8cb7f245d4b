/**
 * Claiming and creating: a media's object is created once, by the proxy that claims it
 * first in the store (so one creation across restarts and proxies sharing a store); another
 * proxy holding the claim is waited for until its object lands. A refusal is kept as that
 * object's error, and its events go on without `mediaBridgeId`.
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { Logger } from '../log.js';
import type { PortalStore } from '../store/portal-store.js';
import type { UpstreamResult } from './backoff.js';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import { newMediaObject, readObject } from './media-objects.js';
import type { ObjectCalls } from './object-calls.js';
import { createMediaObject } from './objects-client.js';
import { sleep } from './shared-limit.js';

/** A creation claim lasts this long, renewed at each attempt. */
const CLAIM_MS = 60_000;
/** How often to look whether another proxy's creation has landed. */
const CLAIM_POLL_MS = 1_000;

/** The media to create an object for. */
export interface NewMedia {
  mediaType: MediaType;
  externalId: string;
  /** What the object is made from: the first event, its blanks filled by later ones. */
  event: WireEvent;
  pageUrl?: string;
}

export interface CreationParts {
  store: PortalStore;
  snapshot: CatalogSnapshot;
  calls: ObjectCalls;
  /** Names this process in creation claims. */
  owner: string;
  signal: AbortSignal;
  log: Logger;
  now: () => number;
}

/** Creates `p`'s object, unless another proxy holds the claim (then waits for its result). */
export async function createObject(p: NewMedia, c: CreationParts): Promise<void> {
  const claim = async (): Promise<boolean> => {
    for (;;) {
      const now = c.now();
      if (await c.store.claimMediaObject(p.mediaType, p.externalId, c.owner, now, now + CLAIM_MS)) return true;
      const r = await c.store.mediaObject(p.mediaType, p.externalId);
      if (r?.objectId !== undefined) {
        await c.snapshot.learn([r]);
        return false;
      }
      await sleep(CLAIM_POLL_MS, c.signal);
    }
  };
  const outcome = await c.calls.call('create', p.mediaType, (req) => createMediaObject(req, newMediaObject(p.event, p.pageUrl)), claim);
  if (outcome.kind === 'stopped') return;
  const made = outcome.kind === 'ok' ? readObject(outcome.result.body) : undefined;
  if (made) {
    await c.snapshot.learn([{ mediaType: p.mediaType, externalId: p.externalId, objectId: made.id, source: 'created', at: c.now() }]);
    c.log.info('media catalog: created a media object', { mediaType: p.mediaType, externalId: p.externalId, objectId: made.id });
    return;
  }
  const error = outcome.kind === 'refused' ? outcome.error : { status: (outcome as { result: UpstreamResult }).result.status, message: 'the answer carries no object id' };
  const at = c.now();
  c.calls.fail({ call: 'create', mediaType: p.mediaType, externalId: p.externalId, at, ...error });
  c.log.warn('media catalog: HubSpot refused to create a media object; its events go on without mediaBridgeId', { mediaType: p.mediaType, externalId: p.externalId, ...error });
  await c.snapshot.learn([{ mediaType: p.mediaType, externalId: p.externalId, source: 'failed', at, error }]);
}
