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
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

export interface IntakeRecord {
  seq: number;
  acceptedAt: number;
  count: number;
  /** `{"events":[…]}` as accepted. */
  body: string;
  /** File offset just past this record. */
  end: number;
}

/** Read size; a longer line is put together from several reads. */
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
const SYNC_EVERY_MS = 1_000;

export class IntakeJournal {
  private fd: number;
  /** Bytes in the file. */
  size: number;
  private readonly syncEachWrite: boolean;
  private dirty = false;
  private syncing = false;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly file: string, options: { sync?: boolean } = {}) {
    this.syncEachWrite = options.sync === true;
    this.fd = openSync(file, 'a+');
    this.size = fstatSync(this.fd).size;
    this.dropTornTail();
  }

  /** One line per request. A body must not contain a raw newline (JSON.stringify's never does). */
  static line(seq: number, acceptedAt: number, count: number, body: string): string {
    return `${seq} ${acceptedAt} ${count} ${body}\n`;
  }

  /** Appends `text` (whole lines); returns once the kernel has all of it. */
  append(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < buf.length) written += writeSync(this.fd, buf, written, buf.length - written);
    } catch (error) {
      // Leave no partial line for the next append to run into.
      ftruncateSync(this.fd, this.size);
      throw error;
    }
    this.size += buf.length;
    if (this.syncEachWrite) fdatasyncSync(this.fd);
    else this.syncSoon();
  }

  /** Complete records from `offset` on, at most `max` of them. */
  read(offset: number, max: number): IntakeRecord[] {
    const out: IntakeRecord[] = [];
    const chunk = Buffer.allocUnsafe(CHUNK);
    let carry = Buffer.alloc(0);
    let base = offset; // file offset of carry[0]
    let pos = offset;
    while (out.length < max && pos < this.size) {
      const n = readSync(this.fd, chunk, 0, Math.min(CHUNK, this.size - pos), pos);
      if (n === 0) break;
      pos += n;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(NEWLINE, start); nl >= 0 && out.length < max; nl = data.indexOf(NEWLINE, start)) {
        const record = parse(data.toString('utf8', start, nl), base + nl + 1);
        if (record) out.push(record);
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      base += start;
    }
    return out;
  }

  /** Empties the file (once everything in it has been moved). */
  truncate(): void {
    ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    if (this.dirty) fdatasyncSync(this.fd);
    closeSync(this.fd);
  }

  private syncSoon(): void {
    this.dirty = true;
    if (this.syncTimer || this.syncing) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.dirty = false;
      this.syncing = true;
      fdatasync(this.fd, () => {
        this.syncing = false;
        if (this.dirty) this.syncSoon();
      });
    }, SYNC_EVERY_MS);
    (this.syncTimer as { unref?: () => void }).unref?.();
  }

  /** A line cut short by a crash was never answered; cut it off so appends start clean. */
  private dropTornTail(): void {
    if (this.size === 0) return;
    const last = Buffer.alloc(1);
    readSync(this.fd, last, 0, 1, this.size - 1);
    if (last[0] === NEWLINE) return;
    let end = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (let pos = Math.max(0, this.size - CHUNK); ; pos = Math.max(0, pos - CHUNK)) {
      const n = readSync(this.fd, chunk, 0, Math.min(CHUNK, this.size - pos), pos);
      const nl = chunk.subarray(0, n).lastIndexOf(NEWLINE);
      if (nl >= 0) {
        end = pos + nl + 1;
        break;
      }
      if (pos === 0) break;
    }
    ftruncateSync(this.fd, end);
    this.size = end;
  }
}

function parse(line: string, end: number): IntakeRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const seq = Number(line.slice(0, a));
  const acceptedAt = Number(line.slice(a + 1, b));
  const count = Number(line.slice(b + 1, c));
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(acceptedAt) || !Number.isSafeInteger(count)) return undefined;
  return { seq, acceptedAt, count, body: line.slice(c + 1), end };
}
