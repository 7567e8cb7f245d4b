/**
 * Events kept in `localStorage`, one key each, `media-bridge:<event id>`: the attention span
 * of each live session (rewritten as it changes), and every event on its way to the proxy
 * until the proxy has taken it. Storage may be missing, disabled, full, or refused (Safari's
 * private mode): each call swallows that, and then nothing is kept.
 */
import type { WireEvent } from '../wire.js';
import { MAX_KEPT } from './resend.js';

/** A kept event: the event, how many times it went out, and the page view that holds it. */
export interface Kept {
  e: WireEvent;
  n: number;
  p: string;
  /** When its page last wrote it. */
  t?: number;
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

/** The ids of the events kept. */
export const keptIds = (s: Storage) => Object.keys(s).filter((key) => !key.indexOf(PREFIX)).map((key) => key.slice(PREFIX.length));

/** The event kept under `id`, if any. */
export const load = (id: string): Kept | undefined => storage((s) => JSON.parse(s[PREFIX + id]));

/**
 * Keeps `kept` under its event's id, stamped with the time, replacing what was there; falsy
 * when storage refused it, or when it is a new key and `MAX_KEPT` events are kept already.
 */
export const keep = (kept: Kept) =>
  storage(
    (s) =>
      (s[PREFIX + kept.e.id] || keptIds(s).length < MAX_KEPT) &&
      (s[PREFIX + kept.e.id] = JSON.stringify(((kept.t = Date.now()), kept))),
  );

export const drop = (id: string) => storage((s) => s.removeItem(PREFIX + id));
