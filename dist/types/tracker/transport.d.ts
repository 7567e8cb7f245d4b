/**
 * Sends events to the proxy: the events of one moment in one request, each request under
 * 60 KiB and 50 events, as text/plain so that a cross-origin proxy gets no CORS preflight.
 */
import { type WireEvent } from '../wire.js';
/** Cuts `events` into request bodies, in order, and hands each to `send`. */
export declare function batches(events: WireEvent[], send: (body: string) => void): void;
export interface Transport {
    /** Queues an event; it goes with the others of the same moment. */
    _add(event: WireEvent): void;
    /** Sends what is queued now (the page is being hidden or left). */
    _flush(): void;
}
export declare function createTransport(endpoint: string, guard: (fn: () => void) => () => void): Transport;
