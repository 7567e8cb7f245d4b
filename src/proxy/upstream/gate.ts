/**
 * The upstream gate: may a request go to HubSpot now? It answers for HubSpot's rolling
 * 10-second window and for the pauses the backoff rules decide (a rolling-window 429, the
 * daily limit, refused credentials, repeated failures).
 *
 * Every request to HubSpot goes through one, events and media-object calls alike (HubSpot
 * counts an app's requests across all its endpoints): it takes a slot before it starts and
 * completes it when it ends. `LocalGate` is the one process's gate (a RateBucket, the
 * outbox's send log, and a pause in memory). A store that several proxy instances share
 * provides one gate for all of them (`Outbox.sharedGate`), such as the Redis store's rolling
 * window.
 *
 * A request that must not queue behind a backlog of events (a media object, whose events
 * wait for it) takes its slot as a named waiter: while it waits, takes without a name leave
 * a slot free for each waiter, so it gets the next one.
 */
import type { MaybePromise } from '../contracts/maybe-promise.js';
import { WAITER_MS, WAITER_POLL_MS, type Admission, type Pause, type UpstreamGate } from '../contracts/upstream-gate.js';
import { RateBucket } from './rate-bucket.js';

export { WAITER_MS, WAITER_POLL_MS };
export type { Admission, Pause, PauseReason, UpstreamGate } from '../contracts/upstream-gate.js';

/** Where a process's send times are kept across restarts (the outbox's send log). */
export interface SendLog {
  noteSend(at: number): MaybePromise<void>;
  sendsSince(since: number): MaybePromise<number[]>;
}

/**
 * The gate of one process: a RateBucket, with every send noted in the outbox's send log so a
 * restarted process does not burst a fresh bucket (requests of the previous run count as
 * taking the whole timeout, see RateBucket).
 */
export class LocalGate implements UpstreamGate {
  readonly limit: number;
  private readonly bucket: RateBucket;
  private readonly timeoutMs: number;
  private current: Pause | undefined;
  private next = 0;
  /** Named waiters, and until when each counts. */
  private readonly waiters = new Map<string, number>();

  constructor(
    private readonly log: SendLog,
    options: { limit: number; timeoutMs: number; windowMs?: number },
  ) {
    this.limit = options.limit;
    this.timeoutMs = options.timeoutMs;
    this.bucket = new RateBucket({ limit: options.limit, windowMs: options.windowMs });
  }

  async start(now: number): Promise<void> {
    const starts = await this.log.sendsSince(now - this.bucket.holdMs - this.timeoutMs);
    this.bucket.restore(starts, this.timeoutMs, now);
  }

  take(wanted: number, now: number, waiter?: string): Admission {
    if (waiter !== undefined) this.waiters.set(waiter, now + WAITER_MS);
    const pause = this.pausedNow(now);
    if (pause) return { slots: [], waitMs: pause.until - now, pause };
    for (const [name, until] of this.waiters) if (until <= now) this.waiters.delete(name);
    const reserved = waiter === undefined ? this.waiters.size : 0;
    const slots: string[] = [];
    while (slots.length < wanted && this.bucket.available(now) > reserved && this.bucket.take(now)) slots.push(String(++this.next));
    if (waiter !== undefined && slots.length) this.waiters.delete(waiter);
    if (slots.length === wanted) return { slots, waitMs: 0 };
    // Free slots left to waiters: they take them at once, so look again soon.
    const waitMs = reserved && this.bucket.available(now) > 0 ? WAITER_POLL_MS : this.bucket.nextFreeAt(now) - now;
    return { slots, waitMs };
  }

  release(_slot: string): void {
    this.bucket.release();
  }

  begin(_slot: string, at: number): MaybePromise<void> {
    return this.log.noteSend(at);
  }

  complete(_slot: string, now: number): void {
    this.bucket.complete(now);
  }

  pause(pause: Pause, now: number): boolean {
    const current = this.pausedNow(now);
    if (current && current.until >= pause.until) return false;
    this.current = pause;
    return current?.reason !== pause.reason;
  }

  paused(now: number): Pause | undefined {
    return this.pausedNow(now);
  }

  private pausedNow(now: number): Pause | undefined {
    return this.current && this.current.until > now ? this.current : undefined;
  }
}
