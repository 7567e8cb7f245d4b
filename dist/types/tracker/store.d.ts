/**
 * Events kept in `localStorage`, one key each, `media-bridge:<event id>`: the attention span
 * of each live session (rewritten as it changes), and every event on its way to the proxy
 * until the proxy has taken it. Storage may be missing, disabled, full, or refused (Safari's
 * private mode): each call swallows that, and then nothing is kept.
 */
import type { WireEvent } from '../wire.js';
/** A kept event: the event, how many times it went out, and the page view that holds it. */
export interface Kept {
    e: WireEvent;
    n: number;
    p: string;
    /** When its page last wrote it. */
    t?: number;
}
/** `fn(localStorage)`, or undefined where storage throws. */
export declare function storage<T>(fn: (s: Storage) => T): T | undefined;
/** The ids of the events kept. */
export declare const keptIds: (s: Storage) => string[];
/** The event kept under `id`, if any. */
export declare const load: (id: string) => Kept | undefined;
/**
 * Keeps `kept` under its event's id, stamped with the time, replacing what was there; falsy
 * when storage refused it, or when it is a new key and `MAX_KEPT` events are kept already.
 */
export declare const keep: (kept: Kept) => any;
export declare const drop: (id: string) => void | undefined;
