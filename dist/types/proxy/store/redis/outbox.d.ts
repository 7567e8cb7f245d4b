import type { RedisOptions } from 'ioredis';
import type { MediaType, WireEvent } from '../../../wire.js';
import { type Logger } from '../../log.js';
import type { UpstreamError } from '../../contracts/upstream-error.js';
import type { UpstreamGate } from '../../contracts/upstream-gate.js';
import type { OAuthTokenStore } from '../../contracts/oauth-tokens.js';
import { type Outbox, type OutboxEvent, type OutboxOptions, type OutboxStats, type StoreConnection } from '../outbox.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from '../portal-store.js';
import { type BacklogPolicy } from '../backlog-policy.js';
import { RedisKeys } from './keys.js';
export declare const DEFAULT_QUEUE = "media-bridge";
export declare const DEFAULT_LEASE_MS = 30000;
export interface RedisOutboxOptions extends OutboxOptions {
    /** `redis://` or `rediss://` (TLS) URL, with the database after the slash. Default redis://127.0.0.1:6379. */
    url?: string;
    /** The queue's name: every instance with the same one forwards as one proxy. Default `media-bridge`. */
    queue?: string;
    /** BullMQ's key prefix. Default `bull`. */
    prefix?: string;
    /**
     * How long the events an instance claimed stay with it once it stops renewing its lock
     * (it died, or lost Redis), before another instance may send them. Default 30,000.
     */
    leaseMs?: number;
    /** Where Redis going away and coming back is logged. Default JSON lines on the console. */
    logger?: Logger;
    /** ioredis options on top of the URL's (TLS certificates, timeouts…). */
    redis?: RedisOptions;
}
export declare class RedisOutbox implements Outbox, PortalStore {
    readonly queueName: string;
    readonly keys: RedisKeys;
    private readonly link;
    private readonly queue;
    private readonly worker;
    private readonly log;
    private readonly leaseMs;
    private readonly graceMs;
    private readonly keepDeliveredMs;
    private readonly keepDeadMs;
    private readonly backlog;
    private readonly jobOptions;
    private readonly claimed;
    /** Claimed, in claim order, until their session's media-played is answered (see sortClaimed). */
    private readonly held;
    private readonly portal;
    private readonly oauthTokens;
    private readonly lockTimer;
    private extending;
    private intake;
    private storing;
    private tokens;
    private closed;
    constructor(options?: RedisOutboxOptions);
    /**
     * Stores a request's events once Redis has them. Requests that arrive while a store is on
     * its way go together in the next one (a group commit): one id check and one MULTI for
     * all of them, whatever the load.
     */
    add(events: readonly WireEvent[], now: number): Promise<boolean[]>;
    private store;
    /** Per request, per event: false when its id was already known (or came earlier in the batch). */
    private storeBatch;
    claim(limit: number, now: number): Promise<OutboxEvent[]>;
    /** Claims into `out`, in rounds, until it holds `limit` events or the queue has none ready. */
    private claimRounds;
    /**
     * The events held for their session's media-played come first: those still locked by this
     * instance are sorted again. One whose lock lapsed (Redis was away for a lease) is another
     * instance's now, and is let go.
     */
    private takeHeld;
    /**
     * Applies the order rule and the backlog policy to claimed jobs, in order. Each goes out
     * (while `out` has room), is dropped as superseded, is held here while its session's
     * media-played is in flight, or waits as a delayed job. Returns how many were dropped.
     */
    private sortClaimed;
    /**
     * Puts the queue into backlog, or out of it, when its oldest event says so: the first
     * instance to see the change makes it for all (setBacklog-3.lua, a no-op for the rest).
     */
    private followBacklog;
    /** Drops a claimed quartile that a higher one of its session replaced (HUBSPOT_BACKLOG=coalesce). */
    private supersede;
    sent(seq: number, now?: number): Promise<void>;
    retry(seq: number, at: number, error: UpstreamError): Promise<void>;
    dead(seq: number, now: number, error: UpstreamError): Promise<void>;
    stats(now?: number): Promise<OutboxStats>;
    recent(limit: number): Promise<OutboxEvent[]>;
    deadLetters(limit: number): Promise<OutboxEvent[]>;
    /** Nothing to do: the shared gate (`sharedGate`) keeps the send times, in Redis. */
    noteSend(): void;
    sendsSince(): number[];
    prune(now: number): Promise<void>;
    /** `windowMs` is HubSpot's 10 s unless a test shortens it. */
    sharedGate(options: {
        limit: number;
        timeoutMs: number;
        windowMs?: number;
    }): UpstreamGate;
    backlogPolicy(): BacklogPolicy;
    tokenStore(): OAuthTokenStore;
    mediaCatalog(): Promise<MediaCatalogSnapshot>;
    mediaObject(mediaType: MediaType, externalId: string): Promise<MediaObjectRecord | undefined>;
    putMediaObjects(records: readonly MediaObjectRecord[]): Promise<void>;
    removeMediaObjects(keys: readonly MediaObjectKey[]): Promise<void>;
    setMediaListedAt(mediaType: MediaType, at: number): Promise<void>;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): Promise<boolean>;
    connection(): StoreConnection;
    /** Where Redis is, without its password. */
    get where(): string;
    close(): Promise<void>;
    /** Takes a claimed event off this instance's books. */
    private settle;
    /** Before the job moves on: it leaves the pending set, and a media-played frees its session. */
    private release;
    /** Renews the locks of the events this instance is sending, so none is taken for stalled. */
    private extendLocks;
    private assertOpen;
}
