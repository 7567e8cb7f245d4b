/**
 * When events go out again, as pure rules: which answers keep them, how long to back off,
 * and the caps on what is kept.
 *
 * The proxy drops ids it has seen, so sending an event again is safe; still, none goes out
 * more than `MAX_SENDS` times, counted across page views.
 */
import type { WireEvent } from '../wire.js';

/** Most times one event goes out. */
export const MAX_SENDS = 3;

/** Most keys kept in storage, each an event or a request's events; more are not kept (they are still sent from memory). */
export const MAX_KEPT = 100;

/** Oldest event sent, in ms: 2 days, inside the proxy's 3 (it refuses a request with an older event whole). */
export const MAX_AGE = 2 * 864e5;

/**
 * Whether the events of a request are kept, to go out again, after its answer: no answer
 * (the network failed), 429, or 5xx (503: the proxy could not store them). A 2xx means the
 * proxy took them; any other 4xx, that the events themselves are bad: they are dropped, and
 * never loop.
 */
export const resendable = (status?: number): boolean => !status || status == 429 || status > 499;

/**
 * Milliseconds to wait before the next probe, after `fails` failed rounds in a row: 3 s,
 * then four times longer each round up to 5 minutes, its lower half fixed and its upper half
 * random so that pages spread out; or what the answer's `Retry-After` (in seconds) says,
 * when that is later. It grows fast because an event goes out three times at
 * most: the first two waits alone span 7.5 to 15 s, and every event held meanwhile takes its
 * turn as the probe, so the events of a viewing outlast an outage of many minutes.
 */
export const backoff = (fails: number, retryAfter?: string | null): number =>
  Math.max((Math.min(3e3 * 4 ** fails, 3e5) * (1 + Math.random())) / 2, +retryAfter! * 1e3 || 0);

/** Whether a kept event may go out (again) at `now`: sent fewer than `MAX_SENDS` times, and not too old. */
export const sendable = (kept: { e: WireEvent; n: number }, now = Date.now()): boolean =>
  kept.n < MAX_SENDS && kept.e.occurredTimestamp > now - MAX_AGE;
