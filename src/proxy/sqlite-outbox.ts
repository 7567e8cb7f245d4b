/**
 * The durable outbox: SQLite through better-sqlite3, in WAL mode.
 *
 * Import it from `media-bridge-tracker/proxy/sqlite` (Node only).
 *
 * Two tables keep the ingest path cheap:
 * - `inbox`: one row per accepted request, its body as received. Appending it is the only
 *   write an ingest makes, and all the requests that finish in one turn of the event loop
 *   share one transaction (a group commit), so a 202 costs a fraction of one commit.
 * - `events`: one row per event, unique by id, with its delivery state. Inbox rows move here
 *   in batches as the forwarder needs work, and that move is where duplicates are dropped
 *   for good. (Writing per-event rows with their indexes on the ingest path measured 5×
 *   slower than one inbox row.)
 * An event's `seq` is its inbox row's seq × 64 + its index in the request (50 at most), so
 * arrival order is known before the move.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventType, WireEvent } from '../wire.js';
import type { UpstreamError } from './backoff.js';
import {
  DEFAULT_KEEP_DEAD_MS,
  DEFAULT_KEEP_DELIVERED_MS,
  DEFAULT_ORDER_GRACE_MS,
  type Outbox,
  type OutboxEvent,
  type OutboxOptions,
  type OutboxStats,
  type OutboxStatus,
} from './outbox.js';
import { RecentIds } from './recent-ids.js';

export interface SqliteOutboxOptions extends OutboxOptions {
  /**
   * SQLite's `synchronous` level. Default NORMAL, which survives the process being killed;
   * FULL also survives power loss at the cost of an fsync per commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How many recent ids are kept in memory to drop duplicates before they are written. Default 100,000. */
  recentIds?: number;
}

const SEQ_STRIDE = 64;
/** Inbox rows moved per transaction. */
const MOVE_ROWS = 256;
/** Send times older than this are of no use to the rate bucket (a window plus any sane timeout). */
const KEEP_SENDS_MS = 5 * 60_000;
const STATUS: OutboxStatus[] = ['pending', 'sent', 'dead'];

interface Waiting {
  seq: number;
  at: number;
  count: number;
  body: string;
  ids: string[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface InboxRow {
  seq: number;
  accepted_at: number;
  count: number;
  body: string;
}

interface EventRow {
  seq: number;
  id: string;
  type: EventType;
  session_id: string;
  event: string | null;
  accepted_at: number;
  status: number;
  attempts: number;
  done_at: number | null;
  error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY,
  accepted_at INTEGER NOT NULL,
  count INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  session_id TEXT NOT NULL,
  event TEXT,
  accepted_at INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0,
  done_at INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS events_pending ON events(seq) WHERE status = 0;
CREATE INDEX IF NOT EXISTS events_played ON events(session_id, status) WHERE type = 'media-played';
CREATE INDEX IF NOT EXISTS events_done ON events(status, done_at);
CREATE TABLE IF NOT EXISTS sends (at INTEGER NOT NULL);
`;

const ROW_COLUMNS = 'seq, id, type, session_id, event, accepted_at, status, attempts, done_at, error';

/** A durable outbox in one SQLite file. */
export class SqliteOutbox implements Outbox {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly recentIds: RecentIds;
  private readonly graceMs: number;
  private readonly keepDeliveredMs: number;
  private readonly keepDeadMs: number;
  private readonly claimed = new Set<number>();
  private waiting: Waiting[] = [];
  private flushScheduled = false;
  private nextSeq: number;
  /** Rows and events in the inbox, kept in memory so stats need no scan. */
  private inboxRows: number;
  private inboxEvents: number;
  private closed = false;
  private readonly sql: ReturnType<typeof prepare>;
  private readonly writeInbox: (batch: Waiting[]) => void;
  private readonly moveRows: (rows: InboxRow[]) => void;

  /** Opens (or creates) the outbox at `file`, creating its directory. */
  constructor(file: string, options: SqliteOutboxOptions = {}) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // One process owns the outbox: holding the lock saves the per-transaction locking calls,
    // and a second proxy pointed at the same directory fails at once instead of sharing
    // (and so doubling) the rate limit.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    // In WAL mode a commit is a write() of the new pages to the -wal file; with NORMAL, fsync
    // waits for checkpoints. A process killed with SIGKILL has already handed every committed
    // write to the kernel, which keeps it whatever happens to the process, so every event
    // answered 202 is in the file after kill -9. Only an OS crash or power loss can drop the
    // last commits (never corrupting the file); FULL closes that gap with an fsync per commit.
    this.db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    // A checkpoint (with NORMAL, the only time SQLite fsyncs) blocks the event loop. Under
    // load each group commit is small, so the default (every 1,000 frames) checkpointed every
    // 1,000 commits; every 10,000 frames (~40 MB of WAL, cut back to 64 MB at most after)
    // measured less than half the blocked time per commit.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Take the exclusive lock now (a write transaction keeps it in EXCLUSIVE mode), so a
    // second process fails at start-up rather than at its first write.
    this.db.exec('BEGIN IMMEDIATE; COMMIT');
    this.recentIds = new RecentIds(options.recentIds ?? 100_000);
    this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
    this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
    this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;

    const db = this.db;
    this.sql = prepare(db);
    this.writeInbox = db.transaction((batch: Waiting[]) => {
      for (const w of batch) this.sql.insertInbox.run(w.seq, w.at, w.count, w.body);
    });
    this.moveRows = db.transaction((rows: InboxRow[]) => {
      for (const row of rows) {
        const events = (JSON.parse(row.body) as { events: WireEvent[] }).events;
        events.forEach((e, i) => {
          this.sql.insertEvent.run(row.seq * SEQ_STRIDE + i, e.id, e.type, e.sessionId, JSON.stringify(e), row.accepted_at);
        });
        this.sql.deleteInbox.run(row.seq);
      }
    });

    const maxInbox = db.prepare('SELECT max(seq) FROM inbox').pluck().get() as number | null;
    const maxEvent = db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null;
    this.nextSeq = Math.max(maxInbox ?? 0, Math.floor((maxEvent ?? 0) / SEQ_STRIDE)) + 1;
    const inbox = db.prepare('SELECT count(*) AS rows, total(count) AS events FROM inbox').get() as { rows: number; events: number };
    this.inboxRows = inbox.rows;
    this.inboxEvents = inbox.events;
  }

  add(events: readonly WireEvent[], now: number, raw?: string): boolean[] | Promise<boolean[]> {
    this.assertOpen();
    const fresh: boolean[] = new Array(events.length);
    const ids: string[] = [];
    for (let i = 0; i < events.length; i++) {
      fresh[i] = this.recentIds.add(events[i].id);
      if (fresh[i]) ids.push(events[i].id);
    }
    if (ids.length === 0) return fresh;
    const body =
      ids.length === events.length && raw !== undefined ? raw : JSON.stringify({ events: events.filter((_, i) => fresh[i]) });
    return new Promise((resolve, reject) => {
      this.waiting.push({ seq: this.nextSeq++, at: now, count: ids.length, body, ids, resolve: () => resolve(fresh), reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Commits every request that arrived in this turn of the event loop, in one transaction. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    try {
      this.writeInbox(batch);
    } catch (error) {
      for (const w of batch) {
        for (const id of w.ids) this.recentIds.delete(id);
        w.reject(error);
      }
      return;
    }
    this.inboxRows += batch.length;
    for (const w of batch) {
      this.inboxEvents += w.count;
      w.resolve();
    }
  };

  claim(limit: number, now: number): OutboxEvent[] {
    this.assertOpen();
    // In the steady state the inbox holds only the last moments' requests: move them all
    // first, so the order rule sees a media-played that arrived after its quartiles. A big
    // backlog is moved only as far as needed, oldest first.
    if (this.inboxRows > 0 && this.inboxRows <= MOVE_ROWS) this.moveFromInbox();
    const out: OutboxEvent[] = [];
    for (let round = 0; round < 8; round++) {
      const rows = this.sql.ready.all({ now, graceCutoff: now - this.graceMs, limit: limit - out.length + this.claimed.size }) as EventRow[];
      for (const row of rows) {
        if (out.length >= limit) break;
        if (this.claimed.has(row.seq)) continue;
        this.claimed.add(row.seq);
        out.push(toOutboxEvent(row));
      }
      if (out.length >= limit || this.inboxEvents === 0) break;
      this.moveFromInbox();
    }
    return out;
  }

  /** Moves the oldest inbox rows into `events`, dropping ids already there. */
  private moveFromInbox(): void {
    const rows = this.sql.oldestInbox.all(MOVE_ROWS) as InboxRow[];
    this.moveRows(rows);
    for (const row of rows) this.inboxEvents -= row.count;
    this.inboxRows -= rows.length;
    if (rows.length === 0) this.inboxEvents = this.inboxRows = 0;
  }

  sent(seq: number, now: number): void {
    this.claimed.delete(seq);
    this.sql.sent.run(now, seq);
  }

  retry(seq: number, at: number, error: UpstreamError): void {
    this.claimed.delete(seq);
    this.sql.retry.run(at, JSON.stringify(error), seq);
  }

  dead(seq: number, now: number, error: UpstreamError): void {
    this.claimed.delete(seq);
    this.sql.dead.run(now, JSON.stringify(error), seq);
  }

  stats(_now?: number): OutboxStats {
    this.assertOpen();
    const pending = (this.sql.pendingCount.get() as number) + this.inboxEvents;
    const first = (this.sql.firstPendingAt.get() as number | undefined) ?? (this.sql.firstInboxAt.get() as number | undefined);
    return { pending, oldestPendingAt: first, dead: this.sql.deadCount.get() as number };
  }

  recent(limit: number): OutboxEvent[] {
    this.assertOpen();
    const out: OutboxEvent[] = [];
    // Requests still in the inbox are the newest.
    for (const row of this.sql.newestInbox.iterate() as IterableIterator<InboxRow>) {
      const events = (JSON.parse(row.body) as { events: WireEvent[] }).events;
      for (let i = events.length - 1; i >= 0 && out.length < limit; i--) {
        const e = events[i];
        out.push({
          seq: row.seq * SEQ_STRIDE + i,
          id: e.id,
          type: e.type,
          sessionId: e.sessionId,
          event: e,
          acceptedAt: row.accepted_at,
          attempts: 0,
          status: 'pending',
        });
      }
      if (out.length >= limit) return out;
    }
    for (const row of this.sql.newestEvents.all(limit - out.length) as EventRow[]) out.push(toOutboxEvent(row));
    return out;
  }

  deadLetters(limit: number): OutboxEvent[] {
    this.assertOpen();
    return (this.sql.deadLetters.all(limit) as EventRow[]).map(toOutboxEvent);
  }

  noteSend(at: number): void {
    this.sql.noteSend.run(at);
  }

  sendsSince(since: number): number[] {
    return this.sql.sendsSince.all(since) as number[];
  }

  prune(now: number): void {
    this.assertOpen();
    this.sql.pruneDone.run(1, now - this.keepDeliveredMs);
    this.sql.pruneDone.run(2, now - this.keepDeadMs);
    this.sql.pruneSends.run(now - KEEP_SENDS_MS);
  }

  /** Commits what is waiting, then closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the outbox is closed');
  }
}

function prepare(db: Database.Database) {
  return {
    insertInbox: db.prepare('INSERT INTO inbox (seq, accepted_at, count, body) VALUES (?, ?, ?, ?)'),
    oldestInbox: db.prepare('SELECT seq, accepted_at, count, body FROM inbox ORDER BY seq LIMIT ?'),
    newestInbox: db.prepare('SELECT seq, accepted_at, count, body FROM inbox ORDER BY seq DESC'),
    firstInboxAt: db.prepare('SELECT accepted_at FROM inbox ORDER BY seq LIMIT 1').pluck(),
    deleteInbox: db.prepare('DELETE FROM inbox WHERE seq = ?'),
    insertEvent: db.prepare(
      'INSERT OR IGNORE INTO events (seq, id, type, session_id, event, accepted_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    ready: db.prepare(`
      SELECT ${ROW_COLUMNS} FROM events e
      WHERE status = 0 AND not_before <= @now
        AND (type = 'media-played' OR (
          NOT EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id AND p.status = 0)
          AND (accepted_at <= @graceCutoff
            OR EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id))))
      ORDER BY seq LIMIT @limit`),
    sent: db.prepare('UPDATE events SET status = 1, event = NULL, error = NULL, attempts = attempts + 1, done_at = ? WHERE seq = ? AND status = 0'),
    retry: db.prepare('UPDATE events SET attempts = attempts + 1, not_before = ?, error = ? WHERE seq = ? AND status = 0'),
    dead: db.prepare('UPDATE events SET status = 2, attempts = attempts + 1, done_at = ?, error = ? WHERE seq = ? AND status = 0'),
    pendingCount: db.prepare('SELECT count(*) FROM events WHERE status = 0').pluck(),
    firstPendingAt: db.prepare('SELECT accepted_at FROM events WHERE status = 0 ORDER BY seq LIMIT 1').pluck(),
    deadCount: db.prepare('SELECT count(*) FROM events WHERE status = 2').pluck(),
    newestEvents: db.prepare(`SELECT ${ROW_COLUMNS} FROM events ORDER BY seq DESC LIMIT ?`),
    deadLetters: db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE status = 2 ORDER BY done_at DESC LIMIT ?`),
    noteSend: db.prepare('INSERT INTO sends (at) VALUES (?)'),
    sendsSince: db.prepare('SELECT at FROM sends WHERE at > ? ORDER BY at').pluck(),
    pruneDone: db.prepare('DELETE FROM events WHERE status = ? AND done_at < ?'),
    pruneSends: db.prepare('DELETE FROM sends WHERE at < ?'),
  };
}

function toOutboxEvent(row: EventRow): OutboxEvent {
  const out: OutboxEvent = {
    seq: row.seq,
    id: row.id,
    type: row.type,
    sessionId: row.session_id,
    // A delivered event's body is dropped; what identifies it is kept.
    event: row.event ? (JSON.parse(row.event) as WireEvent) : ({ id: row.id, type: row.type, sessionId: row.session_id } as WireEvent),
    acceptedAt: row.accepted_at,
    attempts: row.attempts,
    status: STATUS[row.status] ?? 'pending',
  };
  if (row.done_at !== null) out.doneAt = row.done_at;
  if (row.error) out.error = JSON.parse(row.error) as UpstreamError;
  return out;
}
