/**
 * The one rate limit of all requests toward HubSpot, for the media-object calls. HubSpot
 * counts an app's requests across all its endpoints, so object calls take their slots from
 * the very gate the forwarder uses (this process's LocalGate, or the Redis gate that every
 * instance shares): the same rolling window, the same send log, the same pauses, which they
 * also set on a 429.
 *
 * An object call takes its slot as a named waiter (UpstreamGate.take): takes for events
 * leave it the next free slot, so a creation is not starved by a backlog of events (the
 * events of that media are waiting for it).
 */
import type { PauseReason, UpstreamGate } from './gate.js';

export interface SharedLimit {
  /** Resolves once a request may start (no pause, a free slot), with its slot; rejects when `signal` aborts. */
  acquire(signal: AbortSignal): Promise<string>;
  /** The request holding `slot` has ended (answered, failed or timed out). */
  release(slot: string): Promise<void>;
  /** A 429: every request (of every instance, with a shared gate) waits until `until`. */
  pause(reason: 'rate_limited' | 'daily_limit', until: number): Promise<void>;
  /** Requests waiting in `acquire`. */
  readonly waiting: number;
}

/** The forwarder's side of the seam. */
export interface SharedUpstream {
  /** Resolves once the gate has learnt what was sent before this process started. */
  restore(): Promise<void>;
  /** Pauses all sending, says so in the log once, and wakes the forwarder when it ends. */
  pauseFor(reason: PauseReason, until: number): Promise<void>;
  /** A slot was taken or came back: the forwarder looks again. */
  kick(): void;
}

export interface SharedLimitOptions {
  /** The forwarder's gate: the same instance. */
  gate: UpstreamGate;
  upstream: SharedUpstream;
  now: () => number;
  /** How often a waiting request looks again when nothing says when a slot returns. Default 50 ms. */
  pollMs?: number;
}

/** A waiting request asks the gate again at least this often (it stays a waiter for WAITER_MS). */
const MAX_WAIT_MS = 1_000;

export function sharedLimit(o: SharedLimitOptions): SharedLimit {
  const pollMs = o.pollMs ?? 50;
  const name = `objects-${Math.random().toString(36).slice(2, 10)}`;
  let waiting = 0;
  let calls = 0;
  return {
    get waiting() {
      return waiting;
    },
    async acquire(signal) {
      await o.upstream.restore();
      const waiter = `${name}-${++calls}`;
      let slot: string | undefined;
      waiting++;
      try {
        while (slot === undefined) {
          signal.throwIfAborted();
          const admission = await o.gate.take(1, o.now(), waiter);
          slot = admission.slots[0];
          if (slot === undefined) await sleep(admission.waitMs === Infinity ? pollMs : Math.min(Math.max(admission.waitMs, 1), MAX_WAIT_MS), signal);
        }
      } finally {
        waiting--;
      }
      try {
        await o.gate.begin(slot, o.now());
      } catch (error) {
        await Promise.resolve(o.gate.release(slot)).catch(() => {});
        throw error;
      } finally {
        o.upstream.kick(); // events may have left this slot free for it: they look again
      }
      return slot;
    },
    async release(slot) {
      try {
        await o.gate.complete(slot, o.now());
      } catch {
        // A slot that cannot be returned (its store is down) lapses on its own, later.
      }
      o.upstream.kick();
    },
    pause(reason, until) {
      return o.upstream.pauseFor(reason === 'daily_limit' ? 'daily-limit' : 'backing-off', until);
    },
  };
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, Math.max(0, ms));
    (timer as { unref?: () => void }).unref?.();
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
