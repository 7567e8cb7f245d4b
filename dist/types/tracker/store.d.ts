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
/** What is stored under `id`, as written: a page compares it with what it wrote last. */
export declare const stored: (id: string) => string | undefined;
/**
 * Keeps `kept` under its event's id, stamped with the time, replacing what was there. Returns
 * what it wrote; falsy when storage refused it, or when it is a new key and `MAX_KEPT` events
 * are kept already (counted only when storage holds that many keys at all: listing them is
 * the dear part of a write).
 */
export declare const keep: (kept: Kept) => string | false | undefined;
/** Forgets the event kept under `id`: true once it is gone, undefined where storage throws. */
export declare const drop: (id: string) => boolean | undefined;
