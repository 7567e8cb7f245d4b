/**
 * The upstream gate's contract: what every gate answers, whether it is one process's
 * (upstream/gate.ts, `LocalGate`) or one that several instances share through their store
 * (store/redis/gate.ts). Both import it from here, so the stores need nothing of upstream/.
 */
import type { MaybePromise } from './maybe-promise.js';

/** HubSpot's rolling window (TEN_SECONDLY_ROLLING), in ms. */
export const WINDOW_MS = 10_000;
/** Extra time a slot stays spent after its request completed, in ms (a 40th of a shorter window). */
export const HOLD_MARGIN_MS = 250;

/**
 * How long after its request completed a slot comes back: a window plus a margin, in every
 * gate, so that all the requests HubSpot counts in one window held slots at once (see
 * upstream/rate-bucket.ts).
 */
export function holdMs(windowMs = WINDOW_MS, marginMs?: number): number {
  // A window shortened for a time-scaled run (HUBSPOT_RATE_WINDOW_MS) gets its margin scaled too.
  return windowMs + (marginMs ?? Math.min(HOLD_MARGIN_MS, windowMs / 40));
}

/** Why sending is paused. */
export type PauseReason = 'backing-off' | 'daily-limit' | 'unauthorized';

export interface Pause {
  reason: PauseReason;
  /** When sending may start again (ms since the epoch). */
  until: number;
}

/** A waiter counts as waiting this long after its last `take`: it must ask again within that. */
export const WAITER_MS = 2_000;
/** How soon a take that left a slot to a waiter should look again. */
export const WAITER_POLL_MS = 50;

/** What `take` hands out. */
export interface Admission {
  /** One per request that may start now; each is then released unused, or begun and completed. */
  slots: string[];
  /** When fewer slots than wanted: ms from now until one may free up (or the pause ends). */
  waitMs: number;
  /** Set when sending is paused: then no slot is given. */
  pause?: Pause;
}

export interface UpstreamGate {
  /** Requests allowed in any 10 s window. */
  readonly limit: number;
  /** Learns what was sent before this process started (once, before the first take). */
  start?(now: number): MaybePromise<void>;
  /**
   * Up to `wanted` slots for requests about to start; a slot counts as a request from now on.
   * With `waiter` (a name unique to the request), the caller goes before takes without one:
   * until it gets its slot, or stops asking for WAITER_MS, they leave a slot free for it.
   */
  take(wanted: number, now: number, waiter?: string): MaybePromise<Admission>;
  /** A slot taken but not used: no request was sent with it. */
  release(slot: string): MaybePromise<void>;
  /** The request holding `slot` starts at `at`; resolves once that is recorded. */
  begin(slot: string, at: number): MaybePromise<void>;
  /** The request holding `slot` ended (answered, failed or timed out) at `now`. */
  complete(slot: string, now: number): MaybePromise<void>;
  /** Pauses all sending until `pause.until`; true when this changed the reason (worth a log line). */
  pause(pause: Pause, now: number): MaybePromise<boolean>;
  /** The pause in force at `now`, if any. */
  paused(now: number): MaybePromise<Pause | undefined>;
}
