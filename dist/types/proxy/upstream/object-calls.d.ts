/**
 * Calls to HubSpot's media-object endpoints, each retried until it is answered for good:
 * 5xx, timeouts and network errors after a backoff, a 429 after the pause it sets for every
 * request (the limit is the app's), a 401 with a fresh token. A 403 (a missing scope) stops
 * every object call until restart. At most MAX_OBJECT_CALLS run at once, so that events
 * keep most of the limit.
 */
import type { MediaType } from '../../wire.js';
import type { Logger } from '../log.js';
import { type RetryPolicy, type UpstreamError, type UpstreamResult } from './backoff.js';
import type { FetchLike } from './hubspot-client.js';
import { type ObjectCall, type ObjectFailure } from './media-objects.js';
import type { TokenSource } from './oauth.js';
import type { ObjectsRequest } from './objects-client.js';
import { type SharedLimit } from './shared-limit.js';
export type CallOutcome = {
    kind: 'ok';
    result: UpstreamResult;
} | {
    kind: 'refused';
    error: UpstreamError;
} | {
    kind: 'stopped';
};
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
export declare class ObjectCalls {
    private readonly o;
    /** Set by a 403: object calls are off until restart. */
    stopped: {
        call: ObjectCall;
        scopes: string[];
    } | undefined;
    lastError: ObjectFailure | undefined;
    private rateLimitStreak;
    private calls;
    private readonly callQueue;
    constructor(o: ObjectCallsOptions);
    /**
     * One call, retried until it is answered for good. `beforeEach`, before every attempt,
     * may end it (`stopped`) by resolving false.
     */
    call(call: ObjectCall, mediaType: MediaType, send: (req: ObjectsRequest) => Promise<UpstreamResult>, beforeEach?: () => Promise<boolean>): Promise<CallOutcome>;
    /** The latest failure, for /healthz. */
    fail(failure: ObjectFailure): void;
    /** A 403: the app lacks a scope. Logged once; object calls end until restart, events go on. */
    private stop;
    private callSlot;
    private releaseSlot;
}
