import type { WireEvent } from '../wire.js';
import type { UpstreamError } from './backoff.js';
import { type Outbox, type OutboxEvent, type OutboxOptions, type OutboxStats } from './outbox.js';
export interface SqliteOutboxOptions extends OutboxOptions {
    /**
     * SQLite's `synchronous` level. Default NORMAL, which survives the process being killed;
     * FULL also survives power loss at the cost of an fsync per commit.
     */
    synchronous?: 'NORMAL' | 'FULL';
    /** How many recent ids are kept in memory to drop duplicates before they are written. Default 100,000. */
    recentIds?: number;
}
/** A durable outbox in one SQLite file. */
export declare class SqliteOutbox implements Outbox {
    readonly file: string;
    private readonly db;
    private readonly recentIds;
    private readonly graceMs;
    private readonly keepDeliveredMs;
    private readonly keepDeadMs;
    private readonly claimed;
    private waiting;
    private flushScheduled;
    private nextSeq;
    /** Rows and events in the inbox, kept in memory so stats need no scan. */
    private inboxRows;
    private inboxEvents;
    private closed;
    private readonly sql;
    private readonly writeInbox;
    private readonly moveRows;
    /** Opens (or creates) the outbox at `file`, creating its directory. */
    constructor(file: string, options?: SqliteOutboxOptions);
    add(events: readonly WireEvent[], now: number, raw?: string): boolean[] | Promise<boolean[]>;
    /** Commits every request that arrived in this turn of the event loop, in one transaction. */
    private readonly flush;
    claim(limit: number, now: number): OutboxEvent[];
    /** Moves the oldest inbox rows into `events`, dropping ids already there. */
    private moveFromInbox;
    sent(seq: number, now: number): void;
    retry(seq: number, at: number, error: UpstreamError): void;
    dead(seq: number, now: number, error: UpstreamError): void;
    stats(_now?: number): OutboxStats;
    recent(limit: number): OutboxEvent[];
    deadLetters(limit: number): OutboxEvent[];
    noteSend(at: number): void;
    sendsSince(since: number): number[];
    prune(now: number): void;
    /** Commits what is waiting, then closes the file. */
    close(): void;
    private assertOpen;
}
