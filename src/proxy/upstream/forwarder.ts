/**
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the
 * upstream gate allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It takes as many slots from the gate as there are free
 * in-flight places, claims that many events, gives back the slots it has no event for, and
 * sends. It is run again when a send settles, when new events arrive (`kick`), and by a
 * timer when it has to wait (a slot coming back, a pause ending, a retry coming due). Every
 * send is tracked until it settles, so `stop()` can let them finish. The gate is this
 * process's own (LocalGate) or the one a shared store gives all instances; pauses go to it,
 * so one instance learning of the daily limit pauses them all. Media-object calls take their
 * slots from the same gate (SharedLimit), and an event whose media object is being made is
 * held aside (`hold`), claimed but without a slot, until the object exists.
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
import { Outage, type Logger } from '../log.js';
import type { TokenSource } from './oauth.js';
import type { Outbox, OutboxEvent } from '../store/outbox.js';
import type { WireEvent } from '../../wire.js';
import type { PauseReason, UpstreamGate } from './gate.js';

/** Upstream condition, for /healthz. */
export type UpstreamState = { state: 'ok' } | { state: PauseReason; until: number };

/** What the forwarder reports about each attempt. */
export type ForwardOutcome =
  | { kind: 'forwarded'; event: OutboxEvent; result: UpstreamResult }
  | { kind: 'retry'; event: OutboxEvent; result?: UpstreamResult; reason: string; at: number; error: UpstreamError }
  | { kind: 'dead'; event: OutboxEvent; result?: UpstreamResult; error: UpstreamError };

export interface ForwarderOptions {
  outbox: Outbox;
  tokens: TokenSource;
  gate: UpstreamGate;
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
}

/**
 * What the forwarder asks about each event before it sends it. A held event stays claimed,
 * without a slot of the rate limit, until `until` passes or `kick()` says it may be ready.
 */
export interface EventHold {
  /** Until when to hold `event` back; `now` or earlier sends it now. */
  until(event: WireEvent, now: number): number;
  /** The event as it goes upstream (with its `mediaBridgeId`). */
  prepare(event: WireEvent): WireEvent;
}

export class Forwarder {
  private readonly o: Required<Omit<ForwarderOptions, 'onOutcome' | 'hold'>> & Pick<ForwarderOptions, 'onOutcome' | 'hold'>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed events held back by `hold`, oldest first. */
  private parked: OutboxEvent[] = [];
  private running = false;
  /** The pump now running, if any. */
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private rateLimitStreak = 0;
  private failureStreak = 0;
  private restored: Promise<void> | undefined;
  private readonly reading: Outage;
  private readonly returning: Outage;
  private readonly noting: Outage;

  constructor(options: ForwarderOptions) {
    this.o = { maxInFlight: 8, idlePollMs: 1_000, now: Date.now, random: Math.random, ...options };
    this.reading = new Outage(this.o.log, 'forwarder: reading the outbox', this.o.now);
    this.returning = new Outage(this.o.log, 'forwarder: returning rate-limit slots', this.o.now);
    this.noting = new Outage(this.o.log, 'forwarder: noting a send in the store', this.o.now);
  }

  /** Lets the gate learn what was sent before, then drains in the background until `stop()`. */
  async start(): Promise<void> {
    await this.restore();
    this.running = true;
    this.kick();
  }

  /** Once: the gate learns what the previous run sent (before anything, events or not, takes a slot). */
  restore(): Promise<void> {
    this.restored ??= Promise.resolve(this.o.gate.start?.(this.o.now()));
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

  async state(now: number): Promise<UpstreamState> {
    const pause = await this.o.gate.paused(now);
    return pause ? { state: pause.reason, until: pause.until } : { state: 'ok' };
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
        this.reading.ok();
      } catch (error) {
        this.reading.fail(error);
        this.wakeAt(this.o.now() + this.o.idlePollMs);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private async launchReady(): Promise<void> {
    const { gate } = this.o;
    while (this.running) {
      const now = this.o.now();
      const free = this.o.maxInFlight - this.inFlight.size;
      if (free <= 0) return; // a settling send pumps again
      const admission = await gate.take(free, now);
      const { slots } = admission;
      if (slots.length === 0) return this.wakeAt(now + admission.waitMs);
      let token: string;
      try {
        token = await this.o.tokens.get();
      } catch (error) {
        await this.returnSlots(slots);
        await this.pauseFor('unauthorized', now + this.o.policy.authPauseMs);
        this.o.log.error('forwarder: no HubSpot access token', { error: String((error as Error).message ?? error) });
        return;
      }
      const unparked = this.unpark(slots.length, now);
      let claimed: OutboxEvent[] = [];
      try {
        if (unparked.length < slots.length) claimed = await this.o.outbox.claim(slots.length - unparked.length, now);
      } catch (error) {
        this.parked.unshift(...unparked); // still first in line, for the next round
        await this.returnSlots(slots);
        throw error;
      }
      const batch = [...unparked, ...claimed].filter((event) => !this.holdBack(event, now));
      // Whatever happens to the slots left over, the events claimed go out: nothing else would send them.
      await this.returnSlots(slots.slice(batch.length));
      for (let i = 0; i < batch.length; i++) {
        const slot = slots[i];
        try {
          await gate.begin(slot, this.o.now());
          this.noting.ok();
        } catch (error) {
          // The gate counts the slot from `take` on; only a restart could forget this send.
          this.noting.fail(error);
        }
        const send = this.send(batch[i], token, slot).finally(() => {
          this.inFlight.delete(send);
          this.kick();
        });
        this.inFlight.add(send);
      }
      if (unparked.length + claimed.length < slots.length) return this.wakeAt(now + this.o.idlePollMs);
    }
  }

  /** Gives back slots unused. One that cannot be (its store is down) lapses on its own, later. */
  private async returnSlots(slots: readonly string[]): Promise<void> {
    try {
      for (const slot of slots) await this.o.gate.release(slot);
      if (slots.length) this.returning.ok();
    } catch (error) {
      this.returning.fail(error);
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

  private async send(event: OutboxEvent, token: string, slot: string): Promise<void> {
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
    // The slot's hold runs from the answer, not from when the outcome is recorded. A slot
    // that cannot be returned (its store is down) lapses on its own, later: on the safe side.
    try {
      await this.o.gate.complete(slot, now);
      this.returning.ok();
    } catch (error) {
      this.returning.fail(error);
    }
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
        await this.pauseFor(decision.reason === 'daily_limit' ? 'daily-limit' : 'backing-off', decision.until);
        at = decision.until;
        reason = decision.reason;
        break;
      case 'unauthorized':
        // A 401 may be a stale token; a 403 (a missing scope) is not cured by a new one.
        if (result.status === 401 && this.o.tokens.rejected(token)) {
          at = now; // try again at once with a fresh token
        } else {
          at = now + this.o.policy.authPauseMs;
          await this.pauseFor('unauthorized', at);
          this.o.log.error('forwarder: HubSpot refused the credentials; pausing', { status: result.status });
        }
        reason = 'unauthorized';
        break;
      case 'retry':
        at = decision.at;
        reason = decision.reason;
        // Several failures in a row: HubSpot is likely down, so hold everything, not just this event.
        if (++this.failureStreak >= 3) await this.pauseFor('backing-off', decision.at);
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

  /**
   * Pauses all sending (every instance, with a shared gate) until `until`. The media catalog
   * calls it too, on a 429 to an object call (see SharedLimit).
   */
  async pauseFor(reason: PauseReason, until: number): Promise<void> {
    const changed = await this.o.gate.pause({ reason, until }, this.o.now());
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
