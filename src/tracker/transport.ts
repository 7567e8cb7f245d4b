/**
 * Sends events to the proxy: the events of one moment (queued within MOMENT ms of the first)
 * in one request, each request under 60 KiB and 50 events, as text/plain so that a
 * cross-origin proxy gets no CORS preflight.
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
 *   the proxy took it, or refused it for good. The events of a request are written together,
 *   under one key (store.ts): one storage trip for a request rather than one for each event.
 */
import { MAX_EVENTS_PER_REQUEST } from '../wire.js';
import { backoff, resendable, sendable } from './resend.js';
import { batchKey, drop, keep, keepAll, type Kept } from './store.js';

// Under the proxy's 64 KiB cap, and under the 64 KiB that sendBeacon and keepalive fetch
// may have in flight (Fetch standard, "keepalive"). A UTF-16 code unit takes at most 3
// bytes of UTF-8, so a body of up to a third of this many characters fits.
const MAX_REQUEST_BYTES = 60 * 1024;
// `{"events":[` and `]}`, and the comma before the next event, at 3 bytes a character.
const WRAPPER = 15 * 3;

/**
 * How long, in ms, the first event of a moment waits for the others. A page with many media
 * playing then sends one request where it would send one per element: each `fetch` costs the
 * page far more script time than a timeupdate does (npm run bench).
 */
export const MOMENT = 250;

/** An event on its way, as it is kept in storage: with how many times it went out already. */
export type Item = Kept;

/** Cuts `items` into request bodies, in order, and hands each to `send` with its items. */
export function batches(items: Item[], send: (body: string, items: Item[]) => void): void {
  let batch: Item[] = [];
  let json: string[] = [];
  // The characters of the events in `json`, with their commas.
  let length = 0;
  const close = () => batch.length && send(`{"events":[${json}]}`, batch);
  for (const item of items) {
    const one = JSON.stringify(item.e);
    if (batch.length == MAX_EVENTS_PER_REQUEST || (length + one.length) * 3 > MAX_REQUEST_BYTES - WRAPPER) {
      close();
      batch = [];
      json = [];
      length = 0;
    }
    batch.push(item);
    json.push(one);
    length += one.length + 1;
  }
  close();
}

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

export function createTransport(
  endpoint: string,
  log: (...args: unknown[]) => void,
  guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void,
): Transport {
  let queue: Item[] = [];
  /** Events the proxy did not take yet, waiting for a probe. */
  let held: Item[] = [];
  /** The probe's timer while the page backs off. */
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  /** Failed rounds in a row. */
  let fails = 0;

  // sendBeacon outlives the page; it returns false when its queue is full.
  const beaconed = (body: string) => {
    try {
      return navigator.sendBeacon(endpoint, body);
    } catch {
      /* missing, or the URL is refused */
    }
  };

  const post = (all: Item[], beacon?: boolean) => {
    const items: Item[] = [];
    // The rest is dropped unsent: it went out three times, or the proxy would refuse it.
    for (const item of all) sendable(item) ? items.push(item) : drop(item.e.id);
    // The proxy is failing, or the visitor is offline: wait for the probe, or for `online`.
    // Not as the page goes: Firefox says a closing tab is offline.
    if (timer || (!beacon && !navigator.onLine)) return items.forEach(keep), held.push(...items);
    batches(items, (body, batch) => {
      // Kept together, in one write: a request's events live and go together. The copies
      // kept on their own (an ended session's attention span, an event held or recovered)
      // then go (dropping a key that is not there costs little: no write reaches storage).
      batch.forEach((item) => item.n++);
      if (keepAll(batch)) batch.forEach((item) => drop(item.e.id));
      if (beacon && beaconed(body)) return;
      try {
        fetch(endpoint, { method: 'POST', body, keepalive: true }).then(
          (r) => answer(batch, r.status, r.headers.get('retry-after')),
          () => answer(batch),
        );
      } catch {
        // The page's fetch gave no promise (a stub, a wrapper that forgot to return it), or
        // threw: no answer will come. The batch goes by sendBeacon, and stays kept for a later
        // page view, as what goes by sendBeacon always does (the proxy drops copies by id).
        beacon || beaconed(body);
      }
    });
  };

  const answer = guard((batch: Item[], status?: number, retryAfter?: string | null) => {
    // Not taken: back off, then post them again, which holds them for the probe, each kept
    // on its own (or drops those that went out three times).
    if (resendable(status)) {
      if (!timer) timer = setTimeout(probe, backoff(fails++, retryAfter));
      post(batch);
    } else if (status! < 300) {
      // Taken (fetch follows redirects, so this is a 2xx): the proxy is up, the held events follow.
      fails = 0;
      post(held.splice(0));
    } else log('dropped', status, batch);
    // Taken, refused for good, or kept on their own to wait: the request's record goes.
    drop(batchKey(batch));
  });

  // One held event goes out: if the proxy takes it, the rest follow. A refused probe is held
  // again at the end, so the probes take turns, and a long outage spends the sends of many
  // events a little each rather than those of the first.
  const probe = guard(() => {
    timer = 0;
    post(held.splice(0, 1));
  });

  // What is queued: by fetch a moment later, or by sendBeacon at once as the page goes.
  const flush = (beacon?: boolean) => post(queue.splice(0), beacon);
  const later = guard(flush);

  return {
    _add(item) {
      // The first event of a moment schedules the send, after the moment's other events.
      if (queue.push(item) == 1) setTimeout(later, MOMENT);
    },
    _flush: () => flush(true),
    // A probe timer still pending finds nothing held, or probes once more: harmless.
    _retry: probe,
    _touch: () => held.forEach(keep),
  };
}
