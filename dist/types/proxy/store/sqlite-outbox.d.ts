import type { MediaType, WireEvent } from '../../wire.js';
import type { UpstreamError } from '../contracts/upstream-error.js';
import { type BacklogPolicy } from './backlog-policy.js';
import { type Outbox, type OutboxEvent, type OutboxOptions, type OutboxStats } from './outbox.js';
import type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from './portal-store.js';
import type { OAuthTokenStore } from '../contracts/oauth-tokens.js';
export interface SqliteOutboxOptions extends OutboxOptions {
    /**
     * How hard to hold on to a 202'd event. Default NORMAL: it survives the process being
     * killed, and an OS crash or power loss can take the last second. FULL fsyncs the journal
     * before answering and the database on each commit, so even power loss cannot.
     */
    synchronous?: 'NORMAL' | 'FULL';
    /** How many recent ids are kept in memory to drop duplicates before they are written. Default 100,000. */
    recentIds?: number;
}
/**
 * A durable outbox: `<file>` (SQLite) and `<file>-intake` (the journal), both mode 0600 (the
 * database keeps the portal store too, refresh token included; SQLite gives its -wal and
 * -shm files the database's mode).
 */
export declare class SqliteOutbox implements Outbox, PortalStore {
    readonly file: string;
    private readonly db;
    private readonly journal;
    private readonly sql;
    private readonly recentIds;
    private readonly portal;
    private readonly tokens;
    private readonly graceMs;
    private readonly keepDeliveredMs;
    private readonly keepDeadMs;
    private readonly backlog;
    /** Events in the journal past `moved`, by type. */
    private readonly intakeTypes;
    private readonly claimed;
    private waiting;
    private flushScheduled;
    private nextSeq;
    /** Journal offset up to which lines are in `events`. */
    private moved;
    /** Lines and events in the journal past `moved`, kept in memory so stats need no scan. */
    private intakeLines;
    private intakeEvents;
    private closed;
    private readonly moveLines;
    /** Opens (or creates) the outbox at `file`, creating its directory. */
    constructor(file: string, options?: SqliteOutboxOptions);
    add(events: readonly WireEvent[], now: number, raw?: string): boolean[] | Promise<boolean[]>;
    /** Writes every request that arrived in this turn of the event loop, in one write(). */
    private readonly flush;
    claim(limit: number, now: number): OutboxEvent[];
    /** Moves the oldest journal lines into `events`, dropping ids already there. */
    private moveFromJournal;
    sent(seq: number, now: number): void;
    retry(seq: number, at: number, error: UpstreamError): void;
    dead(seq: number, now: number, error: UpstreamError): void;
    stats(now?: number): OutboxStats;
    private oldestPendingAt;
    private countIntake;
    recent(limit: number): OutboxEvent[];
    deadLetters(limit: number): OutboxEvent[];
    noteSend(at: number): void;
    sendsSince(since: number): number[];
    prune(now: number): void;
    backlogPolicy(): BacklogPolicy;
    /** OAuth's tokens: the access token in memory, each install's newest refresh token in the database. */
    tokenStore(): OAuthTokenStore;
    mediaCatalog(): MediaCatalogSnapshot;
    mediaObject(mediaType: MediaType, externalId: string): MediaObjectRecord | undefined;
    putMediaObjects(records: readonly MediaObjectRecord[]): void;
    removeMediaObjects(keys: readonly MediaObjectKey[]): void;
    setMediaListedAt(mediaType: MediaType, at: number): void;
    claimMediaObject(mediaType: MediaType, externalId: string, owner: string, now: number, until: number): boolean;
    /** Writes what is waiting, then closes the files. */
    close(): void;
    private assertOpen;
}
