/**
 * The token bucket that shapes requests toward HubSpot.
 *
 * HubSpot counts requests in a rolling 10-second window, by when they reach it. A classic
 * bucket that refills continuously lets through up to twice its size in one window (a full
 * bucket, then the refill). This one holds `limit` tokens; a request takes one when it starts
 * and gives it back one window (plus a margin) after it *completes*.
 *
 * Why completion and not start: a request reaches HubSpot somewhere between its start and
 * its answer, and a busy event loop or network can stretch that. Take any two requests i, j
 * that HubSpot counts in one window, j started after i: j arrived less than a window after i
 * arrived, so less than a window after i completed, so i still held its token when j started.
 * All the requests HubSpot counts in one window therefore held tokens at once: at most
 * `limit`, whatever the delays. A steady drain still runs at about the full limit.
 *
 * After a restart the completions are unknown, so each remembered start counts as completing
 * `restartHoldMs` later (the request timeout): conservative for at most one window.
 */
import { holdMs } from '../contracts/upstream-gate.js';

export interface RateBucketOptions {
  /** Requests allowed in any window. */
  limit: number;
  /** The window, in ms. Default 10,000 (HubSpot's TEN_SECONDLY_ROLLING). */
  windowMs?: number;
  /** Extra time a token stays spent, in ms. Default 250, or a 40th of a shorter window than 10 s. */
  marginMs?: number;
}

export class RateBucket {
  readonly limit: number;
  /** How long after a completion its token comes back. */
  readonly holdMs: number;
  private inFlight = 0;
  /** Completion times, in the order they happened (so, ascending); `head` skips returned ones. */
  private done: number[] = [];
  private head = 0;

  constructor(options: RateBucketOptions) {
    if (!(Number.isInteger(options.limit) && options.limit > 0)) throw new RangeError('limit must be a positive integer');
    this.limit = options.limit;
    this.holdMs = holdMs(options.windowMs, options.marginMs);
  }

  /**
   * Restores the start times of requests made before a restart, each counted as completing
   * `completedAfterMs` after it started. Times in the future count as now.
   */
  restore(starts: Iterable<number>, completedAfterMs: number, now: number): void {
    for (const t of starts) this.done.push(Math.min(t, now) + completedAfterMs);
    this.done = this.done.slice(this.head).sort((a, b) => a - b);
    this.head = 0;
  }

  /** Tokens free at `now`. */
  available(now: number): number {
    this.expire(now);
    return this.limit - this.inFlight - (this.done.length - this.head);
  }

  /** Takes a token for a request starting now; false (and nothing taken) when none is free. */
  take(now: number): boolean {
    if (this.available(now) <= 0) return false;
    this.inFlight++;
    return true;
  }

  /** A token taken for a request that was never sent: it is free again at once. */
  release(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** The request that took a token completed (answered, failed or timed out) at `now`. */
  complete(now: number): void {
    if (this.inFlight === 0) return;
    this.inFlight--;
    const last = this.done.length > this.head ? this.done[this.done.length - 1] : -Infinity;
    // A clock that stepped back must not place a completion before an earlier one.
    this.done.push(Math.max(now, last));
  }

  /** When the next token comes back: `now` if one is free, Infinity if only a completion can free one. */
  nextFreeAt(now: number): number {
    if (this.available(now) > 0) return now;
    return this.done.length > this.head ? this.done[this.head] + this.holdMs : Infinity;
  }

  private expire(now: number): void {
    while (this.head < this.done.length && this.done[this.head] + this.holdMs <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.done.length) {
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
  }
}
