/**
 * Claiming and creating: a media's object is created once, by the proxy that claims it
 * first in the store (so one creation across restarts and proxies sharing a store); another
 * proxy holding the claim is waited for until its object lands. A refusal is kept as that
 * object's error, and its events go on without `mediaBridgeId`.
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { Logger } from '../log.js';
import type { PortalStore } from '../store/portal-store.js';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import type { ObjectCalls } from './object-calls.js';
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
export declare function createObject(p: NewMedia, c: CreationParts): Promise<void>;
