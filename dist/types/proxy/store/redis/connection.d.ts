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
export declare class RedisLink {
    readonly url: string;
    private readonly log;
    readonly fast: Redis;
    readonly patient: Redis;
    private downSince;
    private closed;
    /** Settles once the first connection attempt has: ready, failed, or timed out. */
    private readonly firstAttempt;
    constructor(url: string, log: Logger, extra?: RedisOptions);
    /**
     * Resolves at once, except while the very first connection is being made: a request that
     * arrives then waits for it (a little), rather than failing because the process is new.
     */
    started(): Promise<void>;
    /** Where the URL points, without a password. */
    get where(): string;
    get state(): LinkState;
    get downSinceAt(): number | undefined;
    close(): Promise<void>;
    private down;
    private up;
}
/** A Redis URL with any password replaced. */
export declare function safeUrl(url: string): string;
