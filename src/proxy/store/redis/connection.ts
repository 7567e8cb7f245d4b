/**
 * The Redis connections of one proxy instance, and what the log and /healthz say of them.
 *
 * Two kinds, because they must behave differently while Redis is unreachable:
 * - `fast`: ingest, the rate window, /healthz. No offline queue and no retries, so a request
 *   that cannot be stored is answered 503 at once (nothing is accepted that is not stored),
 *   and sending waits, instead of piling up commands for later.
 * - `patient`: BullMQ's worker, which claims jobs and settles them. Its commands wait for
 *   Redis to come back, so a request HubSpot answered during an outage is still settled.
 *
 * ioredis reconnects by itself; the first failure and the recovery are logged, once each.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../log.js';
import type { StoreConnection } from '../outbox.js';

export type LinkState = StoreConnection['state'];

/** Longest wait for one command on the fast connection before it counts as failed. */
const FAST_COMMAND_TIMEOUT_MS = 5_000;
/** How long the first requests wait for the first connection. */
const FIRST_CONNECT_WAIT_MS = 3_000;

export class RedisLink {
  readonly fast: Redis;
  readonly patient: Redis;
  private downSince: number | undefined;
  private closed = false;
  /** Settles once the first connection attempt has: ready, failed, or timed out. */
  private readonly firstAttempt: Promise<void>;

  constructor(
    readonly url: string,
    private readonly log: Logger,
    extra: RedisOptions = {},
  ) {
    const base: RedisOptions = {
      // Reconnect forever, at most every 2 s (ioredis's default backoff, capped).
      retryStrategy: (times) => Math.min(times * 100, 2_000),
      connectionName: 'media-bridge-proxy',
      ...extra,
    };
    this.fast = new Redis(url, {
      ...base,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: FAST_COMMAND_TIMEOUT_MS,
    });
    // BullMQ requires maxRetriesPerRequest: null for a worker's connection.
    this.patient = new Redis(url, { ...base, maxRetriesPerRequest: null });
    for (const client of [this.fast, this.patient]) {
      // Without an 'error' listener, ioredis's reconnect errors would be thrown.
      client.on('error', (error: Error) => this.down(error));
      client.on('close', () => this.down());
      client.on('ready', () => this.up());
    }
    this.firstAttempt = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
      timer.unref?.();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.fast.once('ready', done);
      this.fast.once('error', done);
    });
  }

  /**
   * Resolves at once, except while the very first connection is being made: a request that
   * arrives then waits for it (a little), rather than failing because the process is new.
   */
  started(): Promise<void> {
    return this.firstAttempt;
  }

  /** Where the URL points, without a password. */
  get where(): string {
    return safeUrl(this.url);
  }

  get state(): LinkState {
    if (this.closed) return 'closed';
    if (this.fast.status === 'ready' && this.patient.status === 'ready') return 'ready';
    return this.downSince === undefined ? 'connecting' : 'reconnecting';
  }

  get downSinceAt(): number | undefined {
    return this.downSince;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.fast.quit(), this.patient.quit()]);
    this.fast.disconnect();
    this.patient.disconnect();
  }

  private down(error?: Error): void {
    if (this.closed || this.downSince !== undefined) return;
    // Only a connection that was up can go down; failing to connect at start is logged too.
    this.downSince = Date.now();
    this.log.error('Redis is unreachable: ingest answers 503 and forwarding waits until it is back', {
      redis: this.where,
      ...(error ? { error: error.message } : {}),
    });
  }

  private up(): void {
    if (this.fast.status !== 'ready' || this.patient.status !== 'ready') return;
    if (this.downSince === undefined) return;
    this.log.info('Redis is reachable again: ingest and forwarding go on', { redis: this.where, downForMs: Date.now() - this.downSince });
    this.downSince = undefined;
  }
}

/** A Redis URL with any password replaced. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'redis';
  }
}
