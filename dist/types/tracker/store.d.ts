/**
 * Events kept in `localStorage`, one key each, `media-bridge:<event id>`: the attention span
 * of each live session (rewritten as it changes), and every event on its way to the proxy
 * until the proxy has taken it. Storage may be missing, disabled, full, or refused (Safari's
 * private mode): each call swallows that, and then nothing is kept.
 */
import type { WireEvent } from '../wire.js';
/** A kept event: the event, and how many times it went out. */
export interface Kept {
    e: WireEvent;
    n: number;
    /** When a page last wrote it: a live page rewrites what it holds when another view pings. */
    t?: number;
}
/** `fn(localStorage)`, or undefined where storage throws. */
export declare function storage<T>(fn: (s: Storage) => T): T | undefined;
/** The storage keys of the events kept. */
export declare const keptKeys: (s: Storage) => string[];
/** The event kept under a storage key, if any. */
export declare const read: (key: string) => Kept | undefined;
/** The event kept under `id`, if any. */
export declare const load: (id: string) => Kept | undefined;
/**
 * Keeps `kept` under its event's id, stamped with the time, replacing what was there; falsy
 * when storage refused it, or when it is a new key and `MAX_KEPT` events are kept already.
 */
export declare const keep: (kept: Kept) => any;
/** Forgets the event kept under `id`: true once it is gone, undefined where storage throws. */
export declare const drop: (id: string) => boolean | undefined;
