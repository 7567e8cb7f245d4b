/**
 * HubSpot's rolling window and the sending pauses, in Redis, for every proxy instance on
 * one queue: the `UpstreamGate` the Redis store gives the forwarder (and any other request
 * to HubSpot that must share the app's limit).
 *
 * A slot is a member of one sorted set, taken and checked in one Lua script
 * (takeSendSlots-3.lua), on Redis's clock. The pause is a hash that expires when it ends
 * (pauseUpstream-1.lua). A pause is also set as BullMQ's own rate limit on the queue, so
 * every worker on it stops fetching jobs until then, and dashboards show the queue as
 * rate-limited.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisLink } from './connection.js';
import { holdMs, WAITER_MS, WAITER_POLL_MS, type Admission, type Pause, type PauseReason, type UpstreamGate } from '../../contracts/upstream-gate.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';

/** How long past its timeout an in-flight request's slot counts if it is never completed. */
const LEASE_MARGIN_MS = 1_000;
/** How much sooner BullMQ's own rate limit of a pause ends than the pause. */
const BULLMQ_LIMIT_LEAD_MS = 100;

export class RedisGate implements UpstreamGate {
  readonly limit: number;
  private readonly holdMs: number;
  private readonly leaseMs: number;
  private readonly name = randomUUID().slice(0, 8);
  private calls = 0;
  private readonly redis: Redis;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeys,
    private readonly queue: Queue | undefined,
    options: { limit: number; timeoutMs: number; windowMs?: number },
  ) {
    this.limit = options.limit;
    // The same hold as the in-process bucket: a window plus a margin after completion.
    this.holdMs = holdMs(options.windowMs);
    this.leaseMs = options.timeoutMs + LEASE_MARGIN_MS;
    this.redis = link.fast;
  }

  async start(): Promise<void> {
    await this.link.started();
  }

  async take(wanted: number, now: number, waiter?: string): Promise<Admission> {
    await this.link.started();
    const prefix = `${this.name}:${++this.calls}:`;
    const [taken, waitMs, reason] = await runScript<[number, number, string]>(
      this.redis,
      'takeSendSlots',
      [this.keys.window, this.keys.pause, this.keys.waiters],
      [this.holdMs, this.limit, wanted, this.leaseMs, prefix, waiter === undefined ? '' : `${this.name}:${waiter}`, WAITER_MS, WAITER_POLL_MS],
    );
    const slots = Array.from({ length: taken }, (_, i) => `${prefix}${i + 1}`);
    if (reason) return { slots, waitMs, pause: { reason: reason as PauseReason, until: now + waitMs } };
    return { slots, waitMs };
  }

  async release(slot: string): Promise<void> {
    await this.redis.zrem(this.keys.window, slot);
  }

  /** The slot counts as in flight from `take` on: nothing more to record. */
  begin(): void {}

  async complete(slot: string): Promise<void> {
    await runScript(this.redis, 'completeSendSlot', [this.keys.window], [slot]);
  }

  async pause(pause: Pause, now: number): Promise<boolean> {
    const ms = Math.ceil(pause.until - now);
    if (ms <= 0) return false;
    await this.link.started();
    const changed = await runScript<number>(this.redis, 'pauseUpstream', [this.keys.pause], [pause.reason, ms]);
    // BullMQ's limit ends a little before ours: the instances wake when ours ends, and must
    // not then find BullMQ still holding its jobs (they would wait a whole idle poll).
    if (changed && this.queue) await this.queue.rateLimit(Math.max(1, ms - BULLMQ_LIMIT_LEAD_MS));
    return changed === 2;
  }

  async paused(now: number): Promise<Pause | undefined> {
    await this.link.started();
    const [[, reason], [, ms]] = (await this.redis.multi().hget(this.keys.pause, 'reason').pttl(this.keys.pause).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    return ms > 0 ? { reason: (reason ?? 'backing-off') as PauseReason, until: now + ms } : undefined;
  }
}
