import { type Kept } from './store.js';
/**
 * How long, in ms, the first event of a moment waits for the others. A page with many media
 * playing then sends one request where it would send one per element: each `fetch` costs the
 * page far more script time than a timeupdate does (npm run bench).
 */
export declare const MOMENT = 250;
/** An event on its way, as it is kept in storage: with how many times it went out already. */
export type Item = Kept;
/** Cuts `items` into request bodies, in order, and hands each to `send` with its items. */
export declare function batches(items: Item[], send: (body: string, items: Item[]) => void): void;
export interface Transport {
    /** Queues an event (new, or kept by an earlier page view); it goes with the others of the same moment. */
    _add(item: Item): void;
    /** Sends what is queued now, by sendBeacon: the page is being hidden or left. */
    _flush(): void;
    /** Probes the proxy with a held event now: the visitor is back online. */
    _retry(): void;
    /** Rewrites the held events in storage: this page lives and holds them. */
    _touch(): void;
}
export declare function createTransport(endpoint: string, log: (...args: unknown[]) => void, guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void): Transport;
