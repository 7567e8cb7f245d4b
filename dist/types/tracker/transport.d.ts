/**
 * Sends events to the proxy: the events of one moment in one request, each request under
 * 60 KiB and 50 events, as text/plain so that a cross-origin proxy gets no CORS preflight.
 *
 * Nothing is lost on the way (resend.ts has the rules):
 * - While the page is open, requests go by `fetch` with `keepalive`, whose answer is read.
 *   Events the proxy did not take (no answer, 429, 5xx) are held, in memory and in storage,
 *   and the page backs off. Then one event at a time goes out as a probe; once the proxy
 *   takes it, every held event follows. Events of a page that is backing off, or offline,
 *   join the held ones without going out, so they spend none of their sends.
 * - As the page is hidden or left, requests go by `sendBeacon`, whose answer cannot be read.
 *   Those events stay in storage, and a later page view sends them once more (the proxy
 *   drops the copy it already has).
 * - Every event is written to storage before it goes out, and dropped from there only once
 *   the proxy took it, or refused it for good.
 */
import { type WireEvent } from '../wire.js';
import { type Kept } from './store.js';
/** An event on its way, as it is kept in storage: how many times it went out already, and which page holds it. */
export type Item = Kept;
/** Cuts `items` into request bodies, in order, and hands each to `send` with its items. */
export declare function batches(items: Item[], send: (body: string, items: Item[]) => void): void;
export interface Transport {
    /** Queues an event; it goes with the others of the same moment. */
    _add(event: WireEvent): void;
    /** Sends events kept by an earlier page view. */
    _post(items: Item[]): void;
    /** Sends what is queued now, by sendBeacon: the page is being hidden or left. */
    _flush(): void;
    /** Probes the proxy with a held event now: the visitor is back online. */
    _retry(): void;
    /** Rewrites the held events in storage: this page lives and holds them. */
    _touch(): void;
}
export declare function createTransport(endpoint: string, page: string, log: (...args: unknown[]) => void, guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void): Transport;
