/**
 * The one rate limit of all requests toward HubSpot. HubSpot counts an app's requests across
 * all its endpoints, so media-object calls take their tokens from the forwarder's RateBucket,
 * are written to the same durable send log, wait out the same pauses, and set them on a 429.
 *
 * The forwarder drains events greedily; while an object call waits here, `waiting` tells it
 * to leave that many tokens free, so a creation is not starved by a backlog of events (the
 * events of that media are waiting for it).
 */
import type { RateBucket } from './rate-bucket.js';
import type { UpstreamState } from './forwarder.js';

export interface SharedLimit {
  /** Resolves once a request may start (no pause, a free token), with the token taken; rejects when `signal` aborts. */
  acquire(signal: AbortSignal): Promise<void>;
  /** The request that acquired has ended (answered, failed or timed out). */
  release(): void;
  /** A 429: every request waits until `until`. */
  pause(reason: 'rate_limited' | 'daily_limit', until: number): void;
  /** Requests waiting in `acquire`. */
  readonly waiting: number;
}

/** The forwarder's side of the seam. */
export interface SharedUpstream {
  state(now: number): UpstreamState;
  pauseFor(reason: 'backing-off' | 'daily-limit', until: number): void;
  /** Tokens or a pause changed: the forwarder looks again. */
  kick(): void;
}

export interface SharedLimitOptions {
  bucket: RateBucket;
  upstream: SharedUpstream;
  noteSend: (at: number) => unknown;
  now: () => number;
  /** How often a waiting request looks again when nothing says when a token returns. Default 50 ms. */
  pollMs?: number;
}

export function sharedLimit(o: SharedLimitOptions): SharedLimit {
  const pollMs = o.pollMs ?? 50;
  let waiting = 0;
  const release = () => {
    o.bucket.complete(o.now());
    o.upstream.kick();
  };
  return {
    get waiting() {
      return waiting;
    },
    async acquire(signal) {
      let at = 0;
      waiting++;
      try {
        for (;;) {
          signal.throwIfAborted();
          const now = o.now();
          const state = o.upstream.state(now);
          if (state.state !== 'ok') {
            await sleep(Math.min(state.until - now, 1_000), signal);
            continue;
          }
          if (o.bucket.take(now)) {
            at = now;
            break;
          }
          const free = o.bucket.nextFreeAt(now);
          await sleep(free === Infinity ? pollMs : Math.min(Math.max(free - now, 1), 1_000), signal);
        }
      } finally {
        waiting--;
        o.upstream.kick(); // the tokens it held back are free again
      }
      try {
        await o.noteSend(at);
      } catch (error) {
        release();
        throw error;
      }
    },
    release,
    pause(reason, until) {
      o.upstream.pauseFor(reason === 'daily_limit' ? 'daily-limit' : 'backing-off', until);
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
