/**
 * Events kept in `localStorage`, under `media-bridge:<event id>`: each live session's record
 * (rewritten as it changes, and its attention span once it ends), and the events waiting to
 * go out again. The events of a request on its way are kept together, under
 * `media-bridge:<first event id>+`, until the proxy has taken them. Storage may be missing,
 * disabled, full, or refused (Safari's private mode): each call swallows that, and then
 * nothing is kept.
 */
import type { WireEvent } from '../wire.js';
import type { Run } from './played-ranges.js';
import { MAX_KEPT } from './resend.js';

/** A kept event: the event, and how many times it went out. */
export interface Kept {
  e: WireEvent;
  n: number;
  /** When a page last wrote it: a live page rewrites what it holds when another view pings. */
  t?: number;
  /**
   * A live session's record: its attention span's event without the span, and these, the
   * session's runs and the media's duration, from which the page view that takes it computes
   * the span (recovery.ts `whole`). A page with Prototype.js 1.6 writes the runs as a string
   * of JSON: its `Array#toJSON` has JSON.stringify write an array that way.
   */
  r?: Run[] | string;
  d?: number;
}

const PREFIX = 'media-bridge:';

/** `fn(localStorage)`, or undefined where storage throws. */
export function storage<T>(fn: (s: Storage) => T): T | undefined {
  try {
    return fn(localStorage);
  } catch {
    /* no storage, or it is full */
  }
}

/** The storage keys of the events kept. */
export const keptKeys = (s: Storage) => Object.keys(s).filter((key) => !key.indexOf(PREFIX));

/** What is kept under a storage key, if anything: one event, or a request's events (an array). */
export const read = (key: string): Kept | Kept[] | undefined => storage((s) => JSON.parse(s[key]));

/** What is stored under `id`, as written: a page compares it with what it wrote last. */
export const stored = (id: string): string | undefined => storage((s) => s[PREFIX + id]);

/**
 * Writes `json` under `PREFIX + id`, replacing what was there. Returns what it wrote; falsy
 * when storage refused it, or when it is a new key and `MAX_KEPT` keys are kept already
 * (counted only when storage holds that many keys at all: listing them is the dear part of a
 * write).
 */
const write = (id: string, json: string): string | false | undefined =>
  storage((s) => (s[PREFIX + id] || s.length < MAX_KEPT || keptKeys(s).length < MAX_KEPT) && (s[PREFIX + id] = json));

/** `kept` as JSON, stamped with the time. */
const stamped = (kept: Kept) => JSON.stringify(((kept.t = Date.now()), kept));

/** Keeps `kept` under its event's id, stamped with the time: what `write` says. */
export const keep = (kept: Kept) => write(kept.e.id, stamped(kept));

/**
 * Keeps the events of one request under one key, its first event's id and `+`, each stamped
 * with the time: one write for a request, where one for each event cost the page a storage
 * trip per event (issue 22). The transport drops the key when the answer comes (`batchKey`).
 * The array is joined by hand, as request bodies are (transport.ts): Prototype.js 1.6's
 * `Array#toJSON` would have JSON.stringify write it as a string.
 */
export const keepAll = (items: Kept[]) => write(batchKey(items), `[${items.map(stamped)}]`);

/** The id under which `keepAll` keeps `items`: drop it to forget them. */
export const batchKey = (items: Kept[]) => items[0].e.id + '+';

/** Forgets the event kept under `id`: true once it is gone, undefined where storage throws. */
export const drop = (id: string) => storage((s) => delete s[PREFIX + id]);
