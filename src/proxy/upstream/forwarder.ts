/**
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the rate
 * bucket allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It launches as many sends as there are free tokens and free
 * in-flight slots, and is run again when a send settles, when new events arrive (`kick`),
 * and by a timer when it has to wait (a token coming back, a pause ending, a retry coming
 * due). Every send is tracked until it settles, so `stop()` can let them finish.
 */
import {
  decide,
  expired,
  scrubError,
  type Decision,
  type RetryPolicy,
  type UpstreamError,
  type UpstreamResult,
} from './backoff.js';
import { hubspotBody, postEvent, type FetchLike } from './hubspot-client.js';
import type { Logger } from '../log.js';
import type { TokenSource } from './oauth.js';
import type { Outbox, OutboxEvent } from '../store/outbox.js';
import type { WireEvent } from '../../wire.js';
import type { RateBucket } from './rate-bucket.js';

/** Upstream condition, for /healthz. */
export type UpstreamState =
  | { state: 'ok' }
  | { state: 'backing-off'; until: number }
  | { state: 'daily-limit'; until: number }
  | { state: 'unauthorized'; until: number };

/** What the forwarder reports about each attempt. */
export type ForwardOutcome =
  | { kind: 'forwarded'; event: OutboxEvent; result: UpstreamResult }
  | { kind: 'retry'; event: OutboxEvent; result?: UpstreamResult; reason: string; at: number; error: UpstreamError }
  | { kind: 'dead'; event: OutboxEvent; result?: UpstreamResult; error: UpstreamError };

export interface ForwarderOptions {
  outbox: Outbox;
  tokens: TokenSource;
  bucket: RateBucket;
  fetch: FetchLike;
  apiBase: string;
  timeoutMs: number;
  policy: RetryPolicy;
  /** Most requests in flight at once. Default 8. */
  maxInFlight?: number;
  /** How often to look for due retries when idle. Default 1,000 ms. */
  idlePollMs?: number;
  log: Logger;
  now?: () => number;
  random?: () => number;
  onOutcome?: (outcome: ForwardOutcome) => void;
  /** Holds events back while their media's object is being made, and adds its id (the media catalog). */
  hold?: EventHold;
  /** Tokens to leave free for other requests that share the rate limit (see SharedLimit). */
  heldBack?: () => number;
}

/**
 * What the forwarder asks about each event before it takes a token for it. A held event
 * stays claimed, off the rate limit, until `until` passes or `kick()` says it may be ready.
 */
export interface EventHold {
  /** Until when to hold `event` back; `now` or earlier sends it now. */
  until(event: WireEvent, now: number): number;
  /** The event as it goes upstream (with its `mediaBridgeId`). */
  prepare(event: WireEvent): WireEvent;
}

export class Forwarder {
  private readonly o: Required<Omit<ForwarderOptions, 'onOutcome' | 'hold' | 'heldBack'>> & Pick<ForwarderOptions, 'onOutcome' | 'hold' | 'heldBack'>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed events held back by `hold`, oldest first. */
  private parked: OutboxEvent[] = [];
  private running = false;
  /** The pump now running, if any. */
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private pause: { until: number; reason: 'backing-off' | 'daily-limit' | 'unauthorized' } | undefined;
  private rateLimitStreak = 0;
  private failureStreak = 0;
  private restored: Promise<void> | undefined;

  constructor(options: ForwarderOptions) {
    this.o = { maxInFlight: 8, idlePollMs: 1_000, now: Date.now, random: Math.random, ...options };
  }

  /** Restores the send log into the bucket, then drains in the background until `stop()`. */
  async start(): Promise<void> {
    await this.restore();
    this.running = true;
    this.kick();
  }

  /** Once: the bucket learns what the previous run sent. */
  private restore(): Promise<void> {
    this.restored ??= (async () => {
      const now = this.o.now();
      // Requests of the previous run count as taking the whole timeout (see RateBucket).
      const starts = await this.o.outbox.sendsSince(now - this.o.bucket.holdMs - this.o.timeoutMs);
      this.o.bucket.restore(starts, this.o.timeoutMs, now);
    })();
    return this.restored;
  }

  /** New events may be ready. */
  kick(): void {
    if (!this.running) return;
    void this.pump();
  }

  /** Stops sending and resolves once every request in flight has settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    await this.pumping;
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends what can be sent now and waits for it to settle (for runtimes without a background loop). */
  async drain(): Promise<void> {
    await this.restore();
    const wasRunning = this.running;
    this.running = true;
    try {
      for (;;) {
        await this.pump();
        if (this.inFlight.size === 0) {
          if (this.parked.length === 0) break;
          // Held events go within their hold (a few seconds): look again shortly.
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        await Promise.race(this.inFlight);
      }
    } finally {
      this.running = wasRunning;
      if (!wasRunning) this.clearTimer();
    }
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  state(now: number): UpstreamState {
    if (!this.pause || this.pause.until <= now) return { state: 'ok' };
    return { state: this.pause.reason, until: this.pause.until };
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.launchReady();
        } while (this.pumpAgain && this.running);
      } catch (error) {
        this.o.log.error('forwarder: reading the outbox failed', { error: String(error) });
        this.wakeAt(this.o.now() + this.o.idlePollMs);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private async launchReady(): Promise<void> {
    while (this.running) {
      const now = this.o.now();
      if (this.pause && this.pause.until > now) return this.wakeAt(this.pause.until);
      const slots = this.o.maxInFlight - this.inFlight.size;
      if (slots <= 0) return; // a settling send pumps again
      const held = this.o.heldBack?.() ?? 0;
      const tokens = this.o.bucket.available(now) - held;
      // Held back: whoever holds them kicks this pump when it has taken them.
      if (tokens <= 0) return this.wakeAt(held > 0 ? now + this.o.idlePollMs : this.o.bucket.nextFreeAt(now));
      let token: string;
      try {
        token = await this.o.tokens.get();
      } catch (error) {
        this.pauseFor('unauthorized', now + this.o.policy.authPauseMs);
        this.o.log.error('forwarder: no HubSpot access token', { error: String((error as Error).message ?? error) });
        return;
      }
      const want = Math.min(slots, tokens);
      const unparked = this.unpark(want, now);
      const claimed = unparked.length < want ? await this.o.outbox.claim(want - unparked.length, now) : [];
      for (const event of [...unparked, ...claimed]) {
        if (this.holdBack(event, now)) continue;
        const at = this.o.now();
        this.o.bucket.take(at);
        await this.o.outbox.noteSend(at);
        const send = this.send(event, token).finally(() => {
          this.o.bucket.complete(this.o.now());
          this.inFlight.delete(send);
          this.kick();
        });
        this.inFlight.add(send);
      }
      if (unparked.length + claimed.length < want) return this.wakeAt(now + this.o.idlePollMs);
    }
  }

  /** Parks `event` when `hold` says so; true when parked. */
  private holdBack(event: OutboxEvent, now: number): boolean {
    const until = this.o.hold?.until(event.event, now) ?? 0;
    if (until <= now) return false;
    this.parked.push(event);
    this.wakeAt(until);
    return true;
  }

  /** Up to `limit` parked events whose hold has ended, oldest first. */
  private unpark(limit: number, now: number): OutboxEvent[] {
    if (this.parked.length === 0) return [];
    const out: OutboxEvent[] = [];
    const still: OutboxEvent[] = [];
    for (const event of this.parked) {
      if (out.length < limit && (this.o.hold?.until(event.event, now) ?? 0) <= now) out.push(event);
      else still.push(event);
    }
    this.parked = still;
    return out;
  }

  private async send(event: OutboxEvent, token: string): Promise<void> {
    let wire = event.event;
    try {
      if (this.o.hold) wire = this.o.hold.prepare(event.event);
    } catch {
      /* sent as stored */
    }
    const result = await postEvent({
      fetch: this.o.fetch,
      apiBase: this.o.apiBase,
      type: event.type,
      body: hubspotBody(wire),
      token,
      timeoutMs: this.o.timeoutMs,
      now: this.o.now,
    });
    const now = this.o.now();
    const decision = decide(result, {
      now,
      attempts: event.attempts,
      rateLimitStreak: this.rateLimitStreak,
      policy: this.o.policy,
      random: this.o.random,
    });
    try {
      await this.apply(decision, event, result, token, now);
    } catch (error) {
      this.o.log.error('forwarder: recording an outcome failed', { error: String(error), id: event.id });
    }
  }

  private async apply(decision: Decision, event: OutboxEvent, result: UpstreamResult, token: string, now: number): Promise<void> {
    const { outbox } = this.o;
    if (decision.kind === 'delivered') {
      this.rateLimitStreak = 0;
      this.failureStreak = 0;
      await outbox.sent(event.seq, now);
      this.o.onOutcome?.({ kind: 'forwarded', event, result });
      return;
    }
    if (decision.kind === 'dead') return this.bury(event, result, this.scrubbed(decision.error), now);

    let at: number;
    let reason: string;
    switch (decision.kind) {
      case 'pause':
        if (decision.reason === 'rate_limited') this.rateLimitStreak++;
        this.pauseFor(decision.reason === 'daily_limit' ? 'daily-limit' : 'backing-off', decision.until);
        at = decision.until;
        reason = decision.reason;
        break;
      case 'unauthorized':
        // A 401 may be a stale token; a 403 (a missing scope) is not cured by a new one.
        if (result.status === 401 && this.o.tokens.rejected(token)) {
          at = now; // try again at once with a fresh token
        } else {
          at = now + this.o.policy.authPauseMs;
          this.pauseFor('unauthorized', at);
          this.o.log.error('forwarder: HubSpot refused the credentials; pausing', { status: result.status });
        }
        reason = 'unauthorized';
        break;
      case 'retry':
        at = decision.at;
        reason = decision.reason;
        // Several failures in a row: HubSpot is likely down, so hold everything, not just this event.
        if (++this.failureStreak >= 3) this.pauseFor('backing-off', decision.at);
        break;
    }
    const error = this.scrubbed(decision.error);
    if (expired(event.acceptedAt, now, this.o.policy)) {
      return this.bury(event, result, { ...error, failure: 'expired' }, now);
    }
    await outbox.retry(event.seq, at, error);
    this.wakeAt(at); // the idle poll may be later than this retry is due
    this.o.onOutcome?.({ kind: 'retry', event, result, reason, at, error });
  }

  private async bury(event: OutboxEvent, result: UpstreamResult, error: UpstreamError, now: number): Promise<void> {
    await this.o.outbox.dead(event.seq, now, error);
    this.o.onOutcome?.({ kind: 'dead', event, result, error });
  }

  private scrubbed(error: UpstreamError): UpstreamError {
    return scrubError(error, this.o.tokens.secrets());
  }

  /** Pauses all sending until `until` (also called by the media catalog on a 429, see SharedLimit). */
  pauseFor(reason: 'backing-off' | 'daily-limit' | 'unauthorized', until: number): void {
    if (this.pause && this.pause.until >= until && this.pause.until > this.o.now()) return;
    const changed = this.pause?.reason !== reason;
    this.pause = { until, reason };
    if (changed) this.o.log.info('forwarder: pausing', { state: reason, until: new Date(until).toISOString() });
    this.wakeAt(until);
  }

  private wakeAt(at: number): void {
    // Infinity: only a settling request can help, and it pumps again itself.
    if (!this.running || at === Infinity) return;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    const timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, Math.max(0, at - this.o.now()));
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
