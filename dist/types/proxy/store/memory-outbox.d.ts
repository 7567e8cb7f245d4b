/**
 * `MemoryOutbox`: the outbox contract in memory. Fast and exact, and gone when the process
 * ends: for tests, the demo, and runtimes where losing the queue on restart is acceptable.
 * It is the shortest complete implementation of `Outbox` (./outbox.ts), and keeps the portal
 * store (./portal-store.ts) and OAuth's tokens in memory too.
 */
import type { MediaType, WireEvent } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import { type Outbox, type OutboxEvent, type OutboxOptions, type OutboxStats } from './outbox.js';
import type { OAuthTokenStore } from '../contracts/oauth-tokens.js';
import { type BacklogPolicy } from './backlog-policy.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from './portal-store.js';
/** An outbox in memory: fast and exact, and gone when the process ends. */
export declare class MemoryOutbox implements Outbox, PortalStore {
    private seq;
    /** Every event still remembered, by id, in arrival order. */
    private readonly byId;
    /** Pending events by seq, in arrival order. */
    private readonly pending;
    private readonly claimed;
    /** Per session: pending media-played count, and whether one was ever seen. */
    private readonly sessions;
    private readonly backlog;
    private superseded;
    private sends;
    private readonly portal;
    private readonly tokens;
    private readonly keepDeliveredMs;
    private readonly keepDeadMs;
    private readonly graceMs;
    constructor(options?: OutboxOptions);
    add(events: readonly WireEvent[], now: number): boolean[];
    claim(limit: number, now: number): OutboxEvent[];
    sent(seq: number, now: number): void;
    retry(seq: number, at: number, error: UpstreamError): void;
    dead(seq: number, now: number, error: UpstreamError): void;
    stats(now?: number): OutboxStats;
    recent(limit: number): OutboxEvent[];
    deadLetters(limit: number): OutboxEvent[];
    noteSend(at: number): void;
    sendsSince(since: number): number[];
    prune(now: number): void;
    close(): void;
    backlogPolicy(): BacklogPolicy;
    /** OAuth's tokens, in memory (./local-tokens.ts). */
    tokenStore(): OAuthTokenStore;
    mediaCatalog(): MediaCatalogSnapshot;
    mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined;
    putMediaObjects(records: readonly MediaObjectRecord[]): void;
    removeMediaObjects(keys: readonly MediaObjectKey[]): void;
    setMediaListedAt(mediaType: MediaType, at: number): void;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean;
    private settle;
    private session;
}
