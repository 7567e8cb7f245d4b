import Database from 'better-sqlite3';
import { openSync, fstatSync, writeSync, ftruncateSync, fdatasyncSync, readSync, closeSync, fdatasync, mkdirSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { m as mayClaim, L as LocalTokenStore, D as DEFAULT_ORDER_GRACE_MS, d as DEFAULT_KEEP_DELIVERED_MS, e as DEFAULT_KEEP_DEAD_MS, f as DEFAULT_BACKLOG, i as tierOf, n as supersedes, g as TIER_SUPERSEDED, k as inBacklog, j as dropsAsSuperseded, l as DELIVERED_WINDOW_MS } from './core.js';

/**
 * The SQLite outbox's intake: an append-only file of accepted requests, one line each:
 * `<seq> <acceptedAt> <count> <{"events":[…]}>\n`.
 *
 * Why a file and not a table: appending a request's body with one write() per turn of the
 * event loop is all an ingest costs, and measured about twice as cheap per request as even
 * a group-committed SQLite insert (SQLite writes whole pages per commit and checkpoints).
 * The outbox moves lines into its SQLite tables in batches, recording in the same SQLite
 * transaction how far it has read, so a line is moved once even across a crash (and a line
 * moved twice would be dropped by the unique id anyway).
 *
 * Durability: write() hands the bytes to the kernel before the 202 is sent, so they survive
 * the process being killed. The file is fdatasync'ed in the background at most a second
 * after a write (or before answering, with `sync: true`), which bounds what an OS crash or
 * power loss can take.
 */
/** Read size; a longer line is put together from several reads. */
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
const SYNC_EVERY_MS = 1_000;
class IntakeJournal {
    file;
    fd;
    /** Bytes in the file. */
    size;
    syncEachWrite;
    dirty = false;
    syncing = false;
    syncTimer;
    constructor(file, options = {}) {
        this.file = file;
        this.syncEachWrite = options.sync === true;
        this.fd = openSync(file, 'a+');
        this.size = fstatSync(this.fd).size;
        this.dropTornTail();
    }
    /** One line per request. A body must not contain a raw newline (JSON.stringify's never does). */
    static line(seq, acceptedAt, count, body) {
        return `${seq} ${acceptedAt} ${count} ${body}\n`;
    }
    /** Appends `text` (whole lines); returns once the kernel has all of it. */
    append(text) {
        const buf = Buffer.from(text, 'utf8');
        let written = 0;
        try {
            while (written < buf.length)
                written += writeSync(this.fd, buf, written, buf.length - written);
        }
        catch (error) {
            // Leave no partial line for the next append to run into.
            ftruncateSync(this.fd, this.size);
            throw error;
        }
        this.size += buf.length;
        if (this.syncEachWrite)
            fdatasyncSync(this.fd);
        else
            this.syncSoon();
    }
    /** Complete records from `offset` on, at most `max` of them. */
    read(offset, max) {
        const out = [];
        const chunk = Buffer.allocUnsafe(CHUNK);
        let carry = Buffer.alloc(0);
        let base = offset; // file offset of carry[0]
        let pos = offset;
        while (out.length < max && pos < this.size) {
            const n = readSync(this.fd, chunk, 0, Math.min(CHUNK, this.size - pos), pos);
            if (n === 0)
                break;
            pos += n;
            const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
            let start = 0;
            for (let nl = data.indexOf(NEWLINE, start); nl >= 0 && out.length < max; nl = data.indexOf(NEWLINE, start)) {
                const record = parse(data.toString('utf8', start, nl), base + nl + 1);
                if (record)
                    out.push(record);
                start = nl + 1;
            }
            carry = Buffer.from(data.subarray(start));
            base += start;
        }
        return out;
    }
    /** Empties the file (once everything in it has been moved). */
    truncate() {
        ftruncateSync(this.fd, 0);
        this.size = 0;
    }
    close() {
        if (this.syncTimer)
            clearTimeout(this.syncTimer);
        if (this.dirty)
            fdatasyncSync(this.fd);
        closeSync(this.fd);
    }
    syncSoon() {
        this.dirty = true;
        if (this.syncTimer || this.syncing)
            return;
        this.syncTimer = setTimeout(() => {
            this.syncTimer = undefined;
            this.dirty = false;
            this.syncing = true;
            fdatasync(this.fd, () => {
                this.syncing = false;
                if (this.dirty)
                    this.syncSoon();
            });
        }, SYNC_EVERY_MS);
        this.syncTimer.unref?.();
    }
    /** A line cut short by a crash was never answered; cut it off so appends start clean. */
    dropTornTail() {
        if (this.size === 0)
            return;
        const last = Buffer.alloc(1);
        readSync(this.fd, last, 0, 1, this.size - 1);
        if (last[0] === NEWLINE)
            return;
        let end = 0;
        const chunk = Buffer.allocUnsafe(CHUNK);
        for (let pos = Math.max(0, this.size - CHUNK);; pos = Math.max(0, pos - CHUNK)) {
            const n = readSync(this.fd, chunk, 0, Math.min(CHUNK, this.size - pos), pos);
            const nl = chunk.subarray(0, n).lastIndexOf(NEWLINE);
            if (nl >= 0) {
                end = pos + nl + 1;
                break;
            }
            if (pos === 0)
                break;
        }
        ftruncateSync(this.fd, end);
        this.size = end;
    }
}
function parse(line, end) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const c = line.indexOf(' ', b + 1);
    if (a < 0 || b < 0 || c < 0)
        return undefined;
    const seq = Number(line.slice(0, a));
    const acceptedAt = Number(line.slice(a + 1, b));
    const count = Number(line.slice(b + 1, c));
    if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(acceptedAt) || !Number.isSafeInteger(count))
        return undefined;
    return { seq, acceptedAt, count, body: line.slice(c + 1), end };
}

/**
 * A bounded memory of the latest event ids: answers "seen this id lately?" in O(1) on the
 * ingest path, so a retried beacon is dropped without touching storage. It forgets the
 * oldest ids first; the store's own unique index is what catches duplicates older than that.
 *
 * The ids also sit in a ring, oldest at `next`: evicting by asking a Set for its first value
 * would cost O(deleted) in V8, whose ordered hash tables keep deleted entries as holes to
 * skip until the next rehash, and that grows with every eviction.
 */
class RecentIds {
    capacity;
    ids = new Set();
    ring;
    next = 0;
    constructor(capacity = 100_000) {
        this.capacity = capacity;
        this.ring = new Array(capacity);
    }
    /** Remembers `id`; false when it was already remembered. */
    add(id) {
        if (this.ids.has(id))
            return false;
        // The slot's id is the oldest: forget it. (If it was deleted and added again since, it is
        // forgotten a little early; the store's unique index still catches that duplicate.)
        const oldest = this.ring[this.next];
        if (oldest !== undefined)
            this.ids.delete(oldest);
        this.ring[this.next] = id;
        this.next = (this.next + 1) % this.capacity;
        this.ids.add(id);
        return true;
    }
    /** Forgets `id` (its write failed, so a resend must not be taken for a duplicate). */
    delete(id) {
        this.ids.delete(id);
    }
    /** How many ids it remembers now. */
    get size() {
        return this.ids.size;
    }
}

const SCHEMA$1 = `
CREATE TABLE IF NOT EXISTS kept_tokens (install TEXT PRIMARY KEY, token TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_objects (
  media_type TEXT NOT NULL,
  external_id TEXT NOT NULL,
  object_id TEXT,
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  error TEXT,
  PRIMARY KEY (media_type, external_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_claims (
  media_type TEXT NOT NULL,
  external_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (media_type, external_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS media_listings (media_type TEXT PRIMARY KEY, listed_at INTEGER NOT NULL) WITHOUT ROWID;
`;
class SqlitePortalStore {
    sql;
    put;
    remove;
    claim;
    constructor(db) {
        db.exec(SCHEMA$1);
        const sql = (this.sql = prepare$1(db));
        this.put = db.transaction((records) => {
            for (const r of records)
                sql.putObject.run(r.mediaType, r.externalId, r.objectId ?? null, r.source, r.at, r.error ? JSON.stringify(r.error) : null);
        });
        this.remove = db.transaction((keys) => {
            for (const k of keys)
                sql.removeObject.run(k.mediaType, k.externalId);
        });
        // One transaction: on one connection it cannot interleave with another claim.
        this.claim = db.transaction((mediaType, externalId, owner, now, until) => {
            const row = sql.getObject.get(mediaType, externalId);
            const claim = sql.getClaim.get(mediaType, externalId);
            if (!mayClaim(row && toRecord(row), claim, owner, now))
                return false;
            sql.putClaim.run(mediaType, externalId, owner, until);
            return true;
        });
    }
    keptRefreshToken(install) {
        return this.sql.getToken.get(install);
    }
    keepRefreshToken(install, refreshToken) {
        this.sql.putToken.run(install, refreshToken);
    }
    mediaCatalog() {
        const listedAt = {};
        for (const l of this.sql.listings.all())
            listedAt[l.media_type] = l.listed_at;
        return { objects: this.sql.allObjects.all().map(toRecord), listedAt };
    }
    mediaObject(mediaType, externalId) {
        const row = this.sql.getObject.get(mediaType, externalId);
        return row && toRecord(row);
    }
    putMediaObjects(records) {
        this.put(records);
    }
    removeMediaObjects(keys) {
        this.remove(keys);
    }
    setMediaListedAt(mediaType, at) {
        this.sql.putListing.run(mediaType, at);
    }
    claimMediaObject(mediaType, externalId, owner, now, until) {
        return this.claim(mediaType, externalId, owner, now, until);
    }
    /** Forgets claims that lapsed before `now`. */
    prune(now) {
        this.sql.pruneClaims.run(now);
    }
}
function prepare$1(db) {
    return {
        getToken: db.prepare('SELECT token FROM kept_tokens WHERE install = ?').pluck(),
        putToken: db.prepare('INSERT INTO kept_tokens (install, token) VALUES (?, ?) ON CONFLICT (install) DO UPDATE SET token = excluded.token'),
        allObjects: db.prepare('SELECT * FROM media_objects'),
        getObject: db.prepare('SELECT * FROM media_objects WHERE media_type = ? AND external_id = ?'),
        putObject: db.prepare(`
      INSERT INTO media_objects (media_type, external_id, object_id, source, at, error) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (media_type, external_id) DO UPDATE SET
        object_id = excluded.object_id, source = excluded.source, at = excluded.at, error = excluded.error`),
        removeObject: db.prepare('DELETE FROM media_objects WHERE media_type = ? AND external_id = ?'),
        listings: db.prepare('SELECT media_type, listed_at FROM media_listings'),
        putListing: db.prepare('INSERT INTO media_listings (media_type, listed_at) VALUES (?, ?) ON CONFLICT (media_type) DO UPDATE SET listed_at = excluded.listed_at'),
        getClaim: db.prepare('SELECT owner, until FROM media_claims WHERE media_type = ? AND external_id = ?'),
        putClaim: db.prepare('INSERT INTO media_claims (media_type, external_id, owner, until) VALUES (?, ?, ?, ?) ON CONFLICT (media_type, external_id) DO UPDATE SET owner = excluded.owner, until = excluded.until'),
        pruneClaims: db.prepare('DELETE FROM media_claims WHERE until < ?'),
    };
}
function toRecord(row) {
    const r = { mediaType: row.media_type, externalId: row.external_id, source: row.source, at: row.at };
    if (row.object_id !== null)
        r.objectId = row.object_id;
    if (row.error)
        r.error = JSON.parse(row.error);
    return r;
}

/**
 * The durable outbox: an append-only intake journal in front of SQLite (better-sqlite3,
 * WAL mode). Import it from `media-bridge-tracker/proxy/sqlite` (Node only).
 *
 * - Ingest appends each accepted request to the journal (`<file>-intake`, see
 *   IntakeJournal): all the requests that finish in one turn of the event loop go in one
 *   write(), before any of them is answered. That is the only work a 202 costs.
 * - `events` (SQLite) holds one row per event, unique by id, with its delivery state. Journal
 *   lines move here in batches as the forwarder needs work, and that move is where
 *   duplicates are dropped for good. The journal offset moved so far is stored in the same
 *   transaction.
 *
 * Measured on a 2-core machine under autocannon (10 connections, 2-event bodies): storing
 * each turn's requests with one SQLite transaction took 18% of the server's CPU, the
 * journal 4%; writing per-event rows with their indexes on the ingest path was five times
 * slower than one row per request.
 *
 * An event's `seq` is its request's seq × 64 + its index in the request (50 at most), so
 * arrival order is known before the move.
 */
const SEQ_STRIDE = 64;
/** Journal lines moved per transaction. */
const MOVE_LINES = 256;
/** A fully moved journal is emptied once it is this big. */
const TRUNCATE_AT = 4 * 1024 * 1024;
/** Send times older than this are of no use to the rate bucket (a window plus any sane timeout). */
const KEEP_SENDS_MS = 5 * 60_000;
const STATUS = ['pending', 'sent', 'dead', 'superseded'];
const SCHEMA = `
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
  error TEXT,
  tier INTEGER NOT NULL DEFAULT 0,
  percent INTEGER
);
CREATE INDEX IF NOT EXISTS events_pending ON events(seq) WHERE status = 0;
CREATE INDEX IF NOT EXISTS events_played ON events(session_id, status) WHERE type = 'media-played';
CREATE INDEX IF NOT EXISTS events_done ON events(status, done_at);
CREATE INDEX IF NOT EXISTS events_tier ON events(tier, seq) WHERE status = 0;
CREATE INDEX IF NOT EXISTS events_quartile ON events(session_id, percent) WHERE type = 'media-played-percent';
CREATE TABLE IF NOT EXISTS sends (at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;
const ROW_COLUMNS = 'seq, id, type, session_id, event, accepted_at, status, attempts, done_at, error, tier';
/**
 * A durable outbox: `<file>` (SQLite) and `<file>-intake` (the journal), both mode 0600 (the
 * database keeps the portal store too, refresh token included; SQLite gives its -wal and
 * -shm files the database's mode).
 */
class SqliteOutbox {
    file;
    db;
    journal;
    sql;
    recentIds;
    portal;
    tokens;
    graceMs;
    keepDeliveredMs;
    keepDeadMs;
    backlog;
    /** Events in the journal past `moved`, by type. */
    intakeTypes = new Map();
    claimed = new Set();
    waiting = [];
    flushScheduled = false;
    nextSeq;
    /** Journal offset up to which lines are in `events`. */
    moved;
    /** Lines and events in the journal past `moved`, kept in memory so stats need no scan. */
    intakeLines = 0;
    intakeEvents = 0;
    closed = false;
    moveLines;
    /** Opens (or creates) the outbox at `file`, creating its directory. */
    constructor(file, options = {}) {
        this.file = file;
        mkdirSync(dirname(file), { recursive: true });
        const full = options.synchronous === 'FULL';
        ownerOnly(file);
        ownerOnly(`${file}-intake`);
        this.db = new Database(file);
        // One process owns the outbox: holding the lock saves the per-transaction locking calls,
        // and a second proxy pointed at the same directory fails at once instead of sharing
        // (and so doubling) the rate limit.
        this.db.pragma('locking_mode = EXCLUSIVE');
        this.db.pragma('journal_mode = WAL');
        // In WAL mode a commit is a write() of the new pages to the -wal file; with NORMAL, fsync
        // waits for checkpoints. A process killed with SIGKILL has already handed every committed
        // write to the kernel, which keeps it whatever happens to the process, so nothing
        // committed is lost to kill -9 (the journal works the same way). Only an OS crash or
        // power loss can drop the last commits, never corrupting the file; FULL closes that gap.
        this.db.pragma(`synchronous = ${full ? 'FULL' : 'NORMAL'}`);
        this.db.pragma('busy_timeout = 5000');
        migrate(this.db);
        this.db.exec(SCHEMA);
        // Take the exclusive lock now (a write transaction keeps it in EXCLUSIVE mode), so a
        // second process fails at start-up rather than at its first write.
        this.db.exec('BEGIN IMMEDIATE; COMMIT');
        this.sql = prepare(this.db);
        this.portal = new SqlitePortalStore(this.db);
        const open = () => {
            this.assertOpen();
            return this.portal;
        };
        this.tokens = new LocalTokenStore({
            keptRefreshToken: (install) => open().keptRefreshToken(install),
            keepRefreshToken: (install, token) => open().keepRefreshToken(install, token),
        });
        this.journal = new IntakeJournal(`${file}-intake`, { sync: full });
        this.recentIds = new RecentIds(options.recentIds ?? 100_000);
        this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
        this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
        this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
        this.backlog = { ...DEFAULT_BACKLOG, ...options.backlog };
        this.moveLines = this.db.transaction((records) => {
            for (const r of records) {
                let events;
                try {
                    events = JSON.parse(r.body).events;
                }
                catch {
                    continue; // a line damaged on disk: it cannot be sent, and must not wedge the queue
                }
                events.forEach((e, i) => {
                    this.countIntake(e.type, -1);
                    const percent = e.type === 'media-played-percent' ? e.playedPercent : null;
                    const top = percent === null ? undefined : (this.sql.sessionTop.get(e.sessionId) ?? undefined);
                    const tier = tierOf(e.type, percent ?? undefined, top);
                    const row = this.sql.insertEvent.run(r.seq * SEQ_STRIDE + i, e.id, e.type, e.sessionId, JSON.stringify(e), r.acceptedAt, tier, percent);
                    // A higher quartile makes the session's lower ones that still wait superseded.
                    if (row.changes === 1 && percent !== null && supersedes(percent, top))
                        this.sql.demote.run(TIER_SUPERSEDED, e.sessionId, percent);
                });
            }
            this.sql.setMeta.run('intake_offset', records[records.length - 1].end);
        });
        this.moved = Math.min(this.sql.getMeta.get('intake_offset') ?? 0, this.journal.size);
        let lastSeq = Math.floor((this.sql.maxSeq.get() ?? 0) / SEQ_STRIDE);
        for (let at = this.moved;;) {
            const records = this.journal.read(at, 10_000);
            if (records.length === 0)
                break;
            for (const r of records) {
                this.intakeLines++;
                this.intakeEvents += r.count;
                lastSeq = Math.max(lastSeq, r.seq);
                for (const type of typesOf(r.body))
                    this.countIntake(type, 1);
            }
            at = records[records.length - 1].end;
        }
        this.nextSeq = lastSeq + 1;
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
        // The raw body is kept as is unless it needs filtering, or holds a raw line break (a
        // journal line must be one line; JSON.stringify never writes one).
        const body = ids.length === events.length && raw !== undefined && !/[\r\n]/.test(raw)
            ? raw
            : JSON.stringify({ events: events.filter((_, i) => fresh[i]) });
        return new Promise((resolve, reject) => {
            const types = events.filter((_, i) => fresh[i]).map((e) => e.type);
            this.waiting.push({ line: IntakeJournal.line(this.nextSeq++, now, ids.length, body), count: ids.length, ids, types, resolve: () => resolve(fresh), reject });
            if (!this.flushScheduled) {
                this.flushScheduled = true;
                setImmediate(this.flush);
            }
        });
    }
    /** Writes every request that arrived in this turn of the event loop, in one write(). */
    flush = () => {
        this.flushScheduled = false;
        const batch = this.waiting;
        this.waiting = [];
        if (batch.length === 0)
            return;
        try {
            this.journal.append(batch.length === 1 ? batch[0].line : batch.map((w) => w.line).join(''));
        }
        catch (error) {
            for (const w of batch) {
                for (const id of w.ids)
                    this.recentIds.delete(id);
                w.reject(error);
            }
            return;
        }
        this.intakeLines += batch.length;
        for (const w of batch) {
            this.intakeEvents += w.count;
            for (const type of w.types)
                this.countIntake(type, 1);
            w.resolve();
        }
    };
    claim(limit, now) {
        this.assertOpen();
        // In the steady state the journal holds only the last moments' requests: move them all
        // first, so the order rule sees a media-played that arrived after its quartiles. A big
        // backlog is moved only as far as needed, oldest first.
        // Under backlog every waiting event is ranked, so the whole journal is moved.
        const backlog = inBacklog(this.backlog, this.oldestPendingAt(), now);
        if (this.intakeLines > 0 && (backlog || this.intakeLines <= MOVE_LINES))
            while (this.intakeLines > 0)
                this.moveFromJournal();
        const ready = backlog ? this.sql.readyByTier : this.sql.ready;
        const out = [];
        for (let round = 0; round < 8; round++) {
            const rows = ready.all({ now, graceCutoff: now - this.graceMs, limit: limit - out.length + this.claimed.size });
            let dropped = 0;
            for (const row of rows) {
                if (out.length >= limit)
                    break;
                if (this.claimed.has(row.seq))
                    continue;
                if (dropsAsSuperseded(this.backlog, row.tier, backlog)) {
                    this.sql.supersede.run(now, row.seq);
                    dropped++;
                    continue;
                }
                this.claimed.add(row.seq);
                out.push(toOutboxEvent(row));
            }
            if (dropped) {
                this.sql.addMeta.run('superseded', dropped);
                if (out.length < limit)
                    continue;
            }
            if (out.length >= limit || this.intakeLines === 0)
                break;
            this.moveFromJournal();
        }
        return out;
    }
    /** Moves the oldest journal lines into `events`, dropping ids already there. */
    moveFromJournal() {
        const records = this.journal.read(this.moved, MOVE_LINES);
        if (records.length === 0) {
            this.intakeLines = this.intakeEvents = 0;
            this.intakeTypes.clear();
            return;
        }
        this.moveLines(records);
        this.moved = records[records.length - 1].end;
        this.intakeLines -= records.length;
        for (const r of records)
            this.intakeEvents -= r.count;
        if (this.moved === this.journal.size && this.journal.size >= TRUNCATE_AT) {
            // Offset first: a crash before the truncation only moves lines again, which the unique
            // id turns into no-ops.
            this.sql.setMeta.run('intake_offset', 0);
            this.journal.truncate();
            this.moved = 0;
        }
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
    stats(now = Date.now()) {
        this.assertOpen();
        const pending = this.sql.pendingCount.get() + this.intakeEvents;
        const waiting = Object.fromEntries(this.intakeTypes);
        for (const { type, n } of this.sql.pendingByType.all())
            waiting[type] = (waiting[type] ?? 0) + n;
        const since = now - DELIVERED_WINDOW_MS;
        const delivered = this.sql.deliveredSince.get(since);
        return {
            pending,
            oldestPendingAt: this.oldestPendingAt(),
            dead: this.sql.deadCount.get(),
            waiting,
            delivered: { count: delivered.n, since: delivered.first ?? now },
            superseded: this.sql.getMeta.get('superseded') ?? 0,
        };
    }
    oldestPendingAt() {
        const oldest = this.sql.firstPendingAt.get();
        if (oldest === undefined && this.intakeLines > 0)
            return this.journal.read(this.moved, 1)[0]?.acceptedAt;
        return oldest;
    }
    countIntake(type, by) {
        const n = (this.intakeTypes.get(type) ?? 0) + by;
        if (n > 0)
            this.intakeTypes.set(type, n);
        else
            this.intakeTypes.delete(type);
    }
    recent(limit) {
        this.assertOpen();
        // The newest events may still be in the journal; move it (a demo's journal is small).
        while (this.intakeLines > 0)
            this.moveFromJournal();
        return this.sql.newestEvents.all(limit).map(toOutboxEvent);
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
        this.sql.pruneDone.run(3, now - this.keepDeliveredMs);
        this.sql.pruneDone.run(2, now - this.keepDeadMs);
        this.sql.pruneSends.run(now - KEEP_SENDS_MS);
        this.portal.prune(now);
    }
    backlogPolicy() {
        return { ...this.backlog };
    }
    /** OAuth's tokens: the access token in memory, each install's newest refresh token in the database. */
    tokenStore() {
        return this.tokens;
    }
    // The portal store (./portal-store.ts): the media catalog.
    mediaCatalog() {
        this.assertOpen();
        return this.portal.mediaCatalog();
    }
    mediaObject(mediaType, externalId) {
        this.assertOpen();
        return this.portal.mediaObject(mediaType, externalId);
    }
    putMediaObjects(records) {
        this.assertOpen();
        this.portal.putMediaObjects(records);
    }
    removeMediaObjects(keys) {
        this.assertOpen();
        this.portal.removeMediaObjects(keys);
    }
    setMediaListedAt(mediaType, at) {
        this.assertOpen();
        this.portal.setMediaListedAt(mediaType, at);
    }
    claimMediaObject(mediaType, externalId, owner, now, until) {
        this.assertOpen();
        return this.portal.claimMediaObject(mediaType, externalId, owner, now, until);
    }
    /** Writes what is waiting, then closes the files. */
    close() {
        if (this.closed)
            return;
        this.flush();
        this.closed = true;
        this.journal.close();
        this.db.close();
    }
    assertOpen() {
        if (this.closed)
            throw new Error('the outbox is closed');
    }
}
/** Creates `file` readable by its owner only, or makes an existing one so. */
function ownerOnly(file) {
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
}
/** Adds the columns of 0.2 (the backlog tier, a quartile's percent) to an older file. */
function migrate(db) {
    const columns = db.prepare('PRAGMA table_info(events)').all().map((c) => c.name);
    if (columns.length === 0 || columns.includes('tier'))
        return;
    db.exec(`ALTER TABLE events ADD COLUMN tier INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN percent INTEGER;
UPDATE events SET percent = json_extract(event, '$.playedPercent') WHERE type = 'media-played-percent' AND event IS NOT NULL;`);
    // The waiting events get their tiers as if they had arrived now, in their order.
    const rows = db.prepare('SELECT seq, type, session_id, percent FROM events WHERE status = 0 ORDER BY seq').all();
    const tiers = new Map();
    const sessions = new Map();
    for (const r of rows) {
        let s = sessions.get(r.session_id);
        if (!s)
            sessions.set(r.session_id, (s = { quartiles: [] }));
        const percent = r.percent ?? undefined;
        tiers.set(r.seq, tierOf(r.type, percent, s.top));
        if (percent === undefined || r.type !== 'media-played-percent')
            continue;
        if (supersedes(percent, s.top))
            for (const q of s.quartiles)
                if (q.percent < percent)
                    tiers.set(q.seq, TIER_SUPERSEDED);
        s.quartiles.push({ seq: r.seq, percent });
        if (s.top === undefined || percent > s.top)
            s.top = percent;
    }
    const setTier = db.prepare('UPDATE events SET tier = ? WHERE seq = ?');
    db.transaction(() => {
        for (const [seq, tier] of tiers)
            setTier.run(tier, seq);
    })();
}
/** The event types of a journal line's body (an unreadable line has none). */
function typesOf(body) {
    try {
        return JSON.parse(body).events.map((e) => e.type);
    }
    catch {
        return [];
    }
}
function prepare(db) {
    return {
        insertEvent: db.prepare('INSERT OR IGNORE INTO events (seq, id, type, session_id, event, accepted_at, tier, percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
        sessionTop: db.prepare("SELECT max(percent) FROM events WHERE session_id = ? AND type = 'media-played-percent'").pluck(),
        demote: db.prepare("UPDATE events SET tier = ? WHERE session_id = ? AND type = 'media-played-percent' AND status = 0 AND percent < ?"),
        supersede: db.prepare('UPDATE events SET status = 3, event = NULL, done_at = ? WHERE seq = ? AND status = 0'),
        addMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value'),
        pendingByType: db.prepare('SELECT type, count(*) AS n FROM events WHERE status = 0 GROUP BY type'),
        deliveredSince: db.prepare('SELECT count(*) AS n, min(done_at) AS first FROM events WHERE status = 1 AND done_at > ?'),
        maxSeq: db.prepare('SELECT max(seq) FROM events').pluck(),
        getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
        setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
        ready: db.prepare(`
      SELECT ${ROW_COLUMNS} FROM events e
      WHERE status = 0 AND not_before <= @now
        AND (type = 'media-played' OR (
          NOT EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id AND p.status = 0)
          AND (accepted_at <= @graceCutoff
            OR EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id))))
      ORDER BY seq LIMIT @limit`),
        readyByTier: db.prepare(`
      SELECT ${ROW_COLUMNS} FROM events e INDEXED BY events_tier
      WHERE status = 0 AND not_before <= @now
        AND (type = 'media-played' OR (
          NOT EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id AND p.status = 0)
          AND (accepted_at <= @graceCutoff
            OR EXISTS (SELECT 1 FROM events p WHERE p.type = 'media-played' AND p.session_id = e.session_id))))
      ORDER BY tier, seq LIMIT @limit`),
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
