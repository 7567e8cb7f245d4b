import { type Kept } from './store.js';
import type { Item } from './transport.js';
/** The ping's key in `localStorage`, and the Web Lock's name. Its value is the ping's time. */
export declare const PING = "media-bridge";
/**
 * How long live pages have to answer a ping, in ms; and how long the lock is kept after the
 * events are taken. Each renderer reads a copy of `localStorage` that the browser updates a
 * little after another tab writes (Chromium), so the next page view must not read before this
 * page's writes have reached it.
 */
export declare const ANSWER_WAIT = 1000;
/**
 * A kept event made whole, before it goes: a session's record (its runs and duration,
 * store.ts) gets its attention span, the one its own page would compute (page-tracker.ts ends
 * a session through here too). Falsy, with the record dropped, for a session that played
 * nothing to say. The record keeps its runs: made whole again (the events of a request are
 * kept together as they go, and a page may die first), it gets the same span.
 */
export declare function whole(kept: Kept): unknown;
/**
 * Pings, and after the wait hands to `send` what no live page holds, if `may` (the visitor's
 * consent; else it stays for a later page view). In no particular order: the proxy sends a
 * session's `media-played` first whatever the order it gets them in.
 *
 * `ping` is when this page's tracker started, not the time recovery runs (recovery
 * is deferred: deferred-recovery.ts): whatever this page kept before it runs, such as a session
 * that began first, is newer than the ping and never taken as a dead page's.
 */
export declare function recover(ping: number, may: () => boolean, send: (items: Item[]) => void, guard: (fn: () => void) => () => void): void;
