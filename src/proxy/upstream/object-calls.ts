/**
 * Calls to HubSpot's media-object endpoints, each retried until it is answered for good:
 * 5xx, timeouts and network errors after a backoff, a 429 after the pause it sets for every
 * request (the limit is the app's), a 401 with a fresh token. A 403 (a missing scope) stops
 * every object call until restart. At most MAX_OBJECT_CALLS run at once, so that events
 * keep most of the limit.
 */
import type { MediaType } from '../../wire.js';
import type { Logger } from '../log.js';
import { decide, scrubError, type RetryPolicy, type UpstreamError, type UpstreamResult } from './backoff.js';
import type { FetchLike } from './hubspot-client.js';
import { missingScopes, type ObjectCall, type ObjectFailure } from './media-objects.js';
import type { TokenSource } from './oauth.js';
import type { ObjectsRequest } from './objects-client.js';
import { sleep, type SharedLimit } from './shared-limit.js';

/** Object calls at once: few, so events keep most of the limit. */
const MAX_OBJECT_CALLS = 2;

export type CallOutcome = { kind: 'ok'; result: UpstreamResult } | { kind: 'refused'; error: UpstreamError } | { kind: 'stopped' };

export interface ObjectCallsOptions {
  tokens: TokenSource;
  limit: SharedLimit;
  fetch: FetchLike;
  apiBase: string;
  timeoutMs: number;
  policy: RetryPolicy;
  log: Logger;
  now: () => number;
  random: () => number;
  signal: AbortSignal;
  /** Told about each call's outcome (HTTP status, timeout or network), for /metrics. */
  onCall?: (call: ObjectCall, outcome: string) => void;
  /** After a 403 stopped the calls: nothing waits for an object any longer. */
  onStop: () => void;
}

export class ObjectCalls {
  /** Set by a 403: object calls are off until restart. */
  stopped: { call: ObjectCall; scopes: string[] } | undefined;
  lastError: ObjectFailure | undefined;
  private rateLimitStreak = 0;
  private calls = 0;
  private readonly callQueue: Array<() => void> = [];

  constructor(private readonly o: ObjectCallsOptions) {}

  /**
   * One call, retried until it is answered for good. `beforeEach`, before every attempt,
   * may end it (`stopped`) by resolving false.
   */
  async call(call: ObjectCall, mediaType: MediaType, send: (req: ObjectsRequest) => Promise<UpstreamResult>, beforeEach?: () => Promise<boolean>): Promise<CallOutcome> {
    const { policy, tokens, limit, signal } = this.o;
    for (let attempts = 0; ; attempts++) {
      if (this.stopped || signal.aborted) return { kind: 'stopped' };
      if (beforeEach && !(await beforeEach())) return { kind: 'stopped' };
      await this.callSlot();
      let result: UpstreamResult;
      let token: string;
      try {
        try {
          token = await tokens.get();
        } catch (error) {
          this.o.log.error('media catalog: no HubSpot access token', { error: String((error as Error).message ?? error) });
          await sleep(policy.authPauseMs, signal);
          continue;
        }
        const slot = await limit.acquire(signal);
        try {
          result = await send({ fetch: this.o.fetch, apiBase: this.o.apiBase, token, timeoutMs: this.o.timeoutMs, now: this.o.now });
        } finally {
          await limit.release(slot);
        }
      } finally {
        this.releaseSlot();
      }
      this.o.onCall?.(call, String(result.status ?? result.failure));
      const now = this.o.now();
      const decision = decide(result, { now, attempts, rateLimitStreak: this.rateLimitStreak, policy, random: this.o.random });
      if (decision.kind === 'delivered') {
        this.rateLimitStreak = 0;
        return { kind: 'ok', result };
      }
      const error = scrubError(decision.error, tokens.secrets());
      switch (decision.kind) {
        case 'dead':
          return { kind: 'refused', error };
        case 'pause':
          // The limit is the app's, so events pause too; `acquire` waits the pause out.
          if (decision.reason === 'rate_limited') this.rateLimitStreak++;
          await limit.pause(decision.reason, decision.until);
          break;
        case 'retry':
          this.fail({ call, mediaType, at: now, ...error });
          await sleep(decision.at - now, signal);
          break;
        case 'unauthorized':
          if (result.status === 403) {
            this.stop(call, mediaType, result, error);
            return { kind: 'stopped' };
          }
          if (!tokens.rejected(token)) await sleep(policy.authPauseMs, signal);
          break;
      }
    }
  }

  /** The latest failure, for /healthz. */
  fail(failure: ObjectFailure): void {
    this.lastError = failure;
  }

  /** A 403: the app lacks a scope. Logged once; object calls end until restart, events go on. */
  private stop(call: ObjectCall, mediaType: MediaType, result: UpstreamResult, error: UpstreamError): void {
    if (this.stopped) return;
    const scopes = missingScopes(call, result);
    this.stopped = { call, scopes };
    this.fail({ call, mediaType, at: this.o.now(), ...error });
    this.o.log.error(
      `media catalog: HubSpot refused to ${call === 'list' ? 'list' : 'create'} media objects (403): the app lacks the ${scopes.join(' and ')} scope${scopes.length > 1 ? 's' : ''}. ` +
        'Media objects are off until restart; events are forwarded without mediaBridgeId. Add the scope to the app and install it again (media-bridge-proxy authorize --media-objects).',
      { status: result.status, missingScopes: scopes, ...error },
    );
    this.o.onStop();
  }

  private callSlot(): Promise<void> {
    if (this.calls < MAX_OBJECT_CALLS) {
      this.calls++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.callQueue.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.callQueue.shift();
    if (next) next();
    else this.calls--;
  }
}
