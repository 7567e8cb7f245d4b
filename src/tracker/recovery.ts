/**
 * What earlier page views left in storage, sent by this one: the attention spans of sessions
 * whose page died without `pagehide` (a killed tab, a crash), computed here from the runs the
 * page kept (`whole`), events that never reached the proxy, and events that went by
 * sendBeacon, whose answer no page could read.
 *
 * Each kept event carries when a page last wrote it. A page view pings (writes the ping key
 * with the time), and every live page of the site, on that `storage` event, rewrites the
 * events it still holds: its live sessions and the events it waits to send again. After a
 * short wait, this page takes, under a Web Lock, every event not written since the ping. It
 * writes each again, with the time, and only then sends it. A page view recovers once, by
 * its first tracker (page-tracker.ts): a page hears none of its own `storage` events, so a
 * second tracker's ping would take the first one's events. Two page views never both take one event, and the attention
 * span's id, derived from its session, lets the proxy drop a copy that slips through (no Web
 * Locks: Safari before 15.4, insecure contexts).
 */
import { attentionSpan } from './attention-span.js';
import { drop, keep, keptKeys, read, storage, type Kept } from './store.js';
import type { Item } from './transport.js';

/** The ping's key in `localStorage`, and the Web Lock's name. Its value is the ping's time. */
export const PING = 'media-bridge';

/**
 * How long live pages have to answer a ping, in ms; and how long the lock is kept after the
 * events are taken. Each renderer reads a copy of `localStorage` that the browser updates a
 * little after another tab writes (Chromium), so the next page view must not read before this
 * page's writes have reached it.
 */
export const ANSWER_WAIT = 1000;

/**
 * A kept event made whole, before it goes: a session's record (its runs and duration,
 * store.ts) gets its attention span, the one its own page would compute (page-tracker.ts ends
 * a session through here too). Falsy, with the record dropped, for a session that played
 * nothing to say. The record keeps its runs: made whole again (the events of a request are
 * kept together as they go, and a page may die first), it gets the same span.
 */
export function whole(kept: Kept): unknown {
  if (!kept.r) return 1;
  const span = attentionSpan(typeof kept.r == 'string' ? JSON.parse(kept.r) : kept.r, kept.d!);
  return span ? Object.assign(kept.e, span) : (drop(kept.e.id), 0);
}

/**
 * Pings, and after the wait hands to `send` what no live page holds, if `may` (the visitor's
 * consent; else it stays for a later page view). In no particular order: the proxy sends a
 * session's `media-played` first whatever the order it gets them in.
 *
 * `ping` is when this page's tracker started, not the time recovery runs (recovery
 * is deferred: deferred-recovery.ts): whatever this page kept before it runs, such as a session
 * that began first, is newer than the ping and never taken as a dead page's.
 */
export function recover(
  ping: number,
  may: () => boolean,
  send: (items: Item[]) => void,
  guard: (fn: () => void) => () => void,
): void {
  // Taken: each event is written again, with the time, before it goes. The events of a
  // request a page sent (store.ts) are written again one by one, and their record then goes,
  // once all of them are; any not written stays in it for a later page view.
  const take = guard(() => {
    if (may()) {
      const taken: Kept[] = [];
      keptKeys(localStorage).forEach((key) => {
        const record = read(key);
        let all = 1;
        ([] as Kept[]).concat(record || []).forEach((kept) => (kept.t! < ping && whole(kept) && keep(kept) ? taken.push(kept) : (all = 0)));
        // (Storage answered the listing just now; should this throw, the guard stops the take
        // before anything is sent, and what was written again waits for a later page view.)
        if (all && Array.isArray(record)) delete localStorage[key];
      });
      send(taken);
    }
  });
  storage((s) => (s[PING] = ping));
  setTimeout(() => {
    // The lock is held only while the store is read and rewritten, and a moment after: a
    // lock held for the page's life would keep it out of the back/forward cache.
    try {
      navigator.locks.request(PING, () => (take(), new Promise((done) => setTimeout(done, ANSWER_WAIT)))).catch(take);
    } catch {
      take();
    }
  }, ANSWER_WAIT);
}
