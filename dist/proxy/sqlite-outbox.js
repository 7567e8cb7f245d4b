import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { D as DEFAULT_ORDER_GRACE_MS, a as DEFAULT_KEEP_DELIVERED_MS, b as DEFAULT_KEEP_DEAD_MS } from './outbox.js';

/**
 * A bounded memory of the latest event ids: answers "seen this id lately?" in O(1) on the
 * ingest path, so a retried beacon is dropped without touching storage. It forgets the
 * oldest ids first; the store's own unique index is what catches duplicates older than that.
 */
class RecentIds {
    capacity;
    ids = new Set();
    constructor(capacity = 100_000) {
        this.capacity = capacity;
    }
    /** Remembers `id`; false when it was already remembered. */
    add(id) {
        if (this.ids.has(id))
            return false;
        this.ids.add(id);
        if (this.ids.size > this.capacity) {
            // A Set iterates in insertion order, so its first value is the oldest.
            this.ids.delete(this.ids.values().next().value);
        }
        return true;
    }
    /** Forgets `id` (its write failed, so a resend must not be taken for a duplicate). */
    delete(id) {
        this.ids.delete(id);
    }
    get size() {
        return this.ids.size;
    }
}

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
const SEQ_STRIDE = 64;
/** Inbox rows moved per transaction. */
const MOVE_ROWS = 256;
/** Send times older than this are of no use to the rate bucket (a window plus any sane timeout). */
const KEEP_SENDS_MS = 5 * 60_000;
const STATUS = ['pending', 'sent', 'dead'];
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
class SqliteOutbox {
    file;
    db;
    recentIds;
    graceMs;
    keepDeliveredMs;
    keepDeadMs;
    claimed = new Set();
    waiting = [];
    flushScheduled = false;
    nextSeq;
    /** Rows and events in the inbox, kept in memory so stats need no scan. */
    inboxRows;
    inboxEvents;
    closed = false;
    sql;
    writeInbox;
    moveRows;
    /** Opens (or creates) the outbox at `file`, creating its directory. */
    constructor(file, options = {}) {
        this.file = file;
        if (file !== ':memory:')
            mkdirSync(dirname(file), { recursive: true });
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
        this.writeInbox = db.transaction((batch) => {
            for (const w of batch)
                this.sql.insertInbox.run(w.seq, w.at, w.count, w.body);
        });
        this.moveRows = db.transaction((rows) => {
            for (const row of rows) {
                const events = JSON.parse(row.body).events;
                events.forEach((e, i) => {
                    this.sql.insertEvent.run(row.seq * SEQ_STRIDE + i, e.id, e.type, e.sessionId, JSON.stringify(e), row.accepted_at);
                });
                this.sql.deleteInbox.run(row.seq);
            }
        });
        const maxInbox = db.prepare('SELECT max(seq) FROM inbox').pluck().get();
        const maxEvent = db.prepare('SELECT max(seq) FROM events').pluck().get();
        this.nextSeq = Math.max(maxInbox ?? 0, Math.floor((maxEvent ?? 0) / SEQ_STRIDE)) + 1;
        const inbox = db.prepare('SELECT count(*) AS rows, total(count) AS events FROM inbox').get();
        this.inboxRows = inbox.rows;
        this.inboxEvents = inbox.events;
    }
    add(events, now, raw) {
        this.assertOpen();
        const fresh = new Array(events.length);
        const ids = [];
        for (let i = 0; i < events.length; i++) {
            fresh[i] = this.recentIds.add(events[i].id);
            if (fresh[i])
                ids.push(events[i].id);
        }
        if (ids.length === 0)
            return fresh;
        const body = ids.length === events.length && raw !== undefined ? raw : JSON.stringify({ events: events.filter((_, i) => fresh[i]) });
        return new Promise((resolve, reject) => {
            this.waiting.push({ seq: this.nextSeq++, at: now, count: ids.length, body, ids, resolve: () => resolve(fresh), reject });
            if (!this.flushScheduled) {
                this.flushScheduled = true;
                setImmediate(this.flush);
            }
        });
    }
    /** Commits every request that arrived in this turn of the event loop, in one transaction. */
    flush = () => {
        this.flushScheduled = false;
        const batch = this.waiting;
        this.waiting = [];
        if (batch.length === 0)
            return;
        try {
            this.writeInbox(batch);
        }
        catch (error) {
            for (const w of batch) {
                for (const id of w.ids)
                    this.recentIds.delete(id);
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
    claim(limit, now) {
        this.assertOpen();
        // In the steady state the inbox holds only the last moments' requests: move them all
        // first, so the order rule sees a media-played that arrived after its quartiles. A big
        // backlog is moved only as far as needed, oldest first.
        if (this.inboxRows > 0 && this.inboxRows <= MOVE_ROWS)
            this.moveFromInbox();
        const out = [];
        for (let round = 0; round < 8; round++) {
            const rows = this.sql.ready.all({ now, graceCutoff: now - this.graceMs, limit: limit - out.length + this.claimed.size });
            for (const row of rows) {
                if (out.length >= limit)
                    break;
                if (this.claimed.has(row.seq))
                    continue;
                this.claimed.add(row.seq);
                out.push(toOutboxEvent(row));
            }
            if (out.length >= limit || this.inboxEvents === 0)
                break;
            this.moveFromInbox();
        }
        return out;
    }
    /** Moves the oldest inbox rows into `events`, dropping ids already there. */
    moveFromInbox() {
        const rows = this.sql.oldestInbox.all(MOVE_ROWS);
        this.moveRows(rows);
        for (const row of rows)
            this.inboxEvents -= row.count;
        this.inboxRows -= rows.length;
        if (rows.length === 0)
            this.inboxEvents = this.inboxRows = 0;
    }
    sent(seq, now) {
        this.claimed.delete(seq);
        this.sql.sent.run(now, seq);
    }
    retry(seq, at, error) {
        this.claimed.delete(seq);
        this.sql.retry.run(at, JSON.stringify(error), seq);
    }
    dead(seq, now, error) {
        this.claimed.delete(seq);
        this.sql.dead.run(now, JSON.stringify(error), seq);
    }
    stats(_now) {
        this.assertOpen();
        const pending = this.sql.pendingCount.get() + this.inboxEvents;
        const first = this.sql.firstPendingAt.get() ?? this.sql.firstInboxAt.get();
        return { pending, oldestPendingAt: first, dead: this.sql.deadCount.get() };
    }
    recent(limit) {
        this.assertOpen();
        const out = [];
        // Requests still in the inbox are the newest.
        for (const row of this.sql.newestInbox.iterate()) {
            const events = JSON.parse(row.body).events;
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
            if (out.length >= limit)
                return out;
        }
        for (const row of this.sql.newestEvents.all(limit - out.length))
            out.push(toOutboxEvent(row));
        return out;
    }
    deadLetters(limit) {
        this.assertOpen();
        return this.sql.deadLetters.all(limit).map(toOutboxEvent);
    }
    noteSend(at) {
        this.sql.noteSend.run(at);
    }
    sendsSince(since) {
        return this.sql.sendsSince.all(since);
    }
    prune(now) {
        this.assertOpen();
        this.sql.pruneDone.run(1, now - this.keepDeliveredMs);
        this.sql.pruneDone.run(2, now - this.keepDeadMs);
        this.sql.pruneSends.run(now - KEEP_SENDS_MS);
    }
    /** Commits what is waiting, then closes the file. */
    close() {
        if (this.closed)
            return;
        this.flush();
        this.closed = true;
        this.db.close();
    }
    assertOpen() {
        if (this.closed)
            throw new Error('the outbox is closed');
    }
}
function prepare(db) {
    return {
        insertInbox: db.prepare('INSERT INTO inbox (seq, accepted_at, count, body) VALUES (?, ?, ?, ?)'),
        oldestInbox: db.prepare('SELECT seq, accepted_at, count, body FROM inbox ORDER BY seq LIMIT ?'),
        newestInbox: db.prepare('SELECT seq, accepted_at, count, body FROM inbox ORDER BY seq DESC'),
        firstInboxAt: db.prepare('SELECT accepted_at FROM inbox ORDER BY seq LIMIT 1').pluck(),
        deleteInbox: db.prepare('DELETE FROM inbox WHERE seq = ?'),
        insertEvent: db.prepare('INSERT OR IGNORE INTO events (seq, id, type, session_id, event, accepted_at) VALUES (?, ?, ?, ?, ?, ?)'),
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
function toOutboxEvent(row) {
    const out = {
        seq: row.seq,
        id: row.id,
        type: row.type,
        sessionId: row.session_id,
        // A delivered event's body is dropped; what identifies it is kept.
        event: row.event ? JSON.parse(row.event) : { id: row.id, type: row.type, sessionId: row.session_id },
        acceptedAt: row.accepted_at,
        attempts: row.attempts,
        status: STATUS[row.status] ?? 'pending',
    };
    if (row.done_at !== null)
        out.doneAt = row.done_at;
    if (row.error)
        out.error = JSON.parse(row.error);
    return out;
}

export { SqliteOutbox };
