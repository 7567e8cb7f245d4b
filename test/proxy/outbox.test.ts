/**
 * The Outbox contract, run against both implementations, plus what only SQLite promises:
 * the events survive closing and reopening the file.
 */
import Database from 'better-sqlite3';
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import type { Outbox, OutboxOptions } from '../../src/proxy/store/outbox.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import type { WireEvent } from '../../src/wire.js';
import { tempDir } from './temp-dirs.js';

const T0 = 1_700_000_000_000;

function ev(id: string, sessionId: string, type: WireEvent['type'] = 'media-played-percent'): WireEvent {
  const base = { id, sessionId, mediaType: 'VIDEO' as const, occurredTimestamp: T0 };
  if (type === 'media-played') return { ...base, type, state: 'STARTED' };
  if (type === 'attention-span') return { ...base, type, rawDataMap: { '0': 1 } };
  return { ...base, type, playedPercent: 25 };
}

const opened: Outbox[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const implementations: Array<[string, (options?: OutboxOptions) => Outbox]> = [
  ['MemoryOutbox', (options) => new MemoryOutbox(options)],
  ['SqliteOutbox', (options) => new SqliteOutbox(join(tempDir('mbt-outbox-'), 'outbox.sqlite'), options)],
];

describe.each(implementations)('%s', (_name, make) => {
  const open = (options?: OutboxOptions) => {
    const o = make(options);
    opened.push(o);
    return o;
  };
  const ids = (events: Array<{ id: string }>) => events.map((e) => e.id);

  it('stores events, drops duplicate ids (within and across requests) and says which were new', async () => {
    const o = open();
    expect(await o.add([ev('a', 's1'), ev('b', 's1'), ev('a', 's1')], T0)).toEqual([true, true, false]);
    expect(await o.add([ev('b', 's1'), ev('c', 's1')], T0)).toEqual([false, true]);
    const claimed = await o.claim(10, T0 + 10_000);
    expect(ids(claimed)).toEqual(['a', 'b', 'c']);
    expect((await o.stats(T0)).pending).toBe(3);
  });

  it('hands events out oldest first, each once until settled', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('1', 's1'), ev('2', 's2')], T0);
    await o.add([ev('3', 's3')], T0 + 1);
    expect(ids(await o.claim(2, T0 + 10))).toEqual(['1', '2']);
    expect(ids(await o.claim(5, T0 + 10))).toEqual(['3']);
    expect(await o.claim(5, T0 + 10)).toEqual([]);
  });

  it("holds a session's quartiles until its media-played is settled", async () => {
    const o = open();
    await o.add([ev('p', 's1', 'media-played'), ev('q25', 's1'), ev('other', 's2')], T0);
    await o.add([ev('q50', 's1')], T0 + 1);
    const first = await o.claim(10, T0 + 60_000);
    expect(ids(first)).toEqual(['p', 'other']);
    // Retried: still pending, so the quartiles still wait.
    await o.retry(first[0].seq, T0 + 60_100, { status: 500 });
    expect(await o.claim(10, T0 + 60_050)).toEqual([]);
    const again = await o.claim(10, T0 + 60_100);
    expect(ids(again)).toEqual(['p']);
    expect(again[0].attempts).toBe(1);
    await o.sent(again[0].seq, T0 + 60_200);
    expect(ids(await o.claim(10, T0 + 60_200))).toEqual(['q25', 'q50']);
  });

  it('keeps the place of a quartile held for its media-played: it goes next once that is answered', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('p', 's1', 'media-played'), ev('q25', 's1')], T0);
    await o.add([ev('later-1', 's2'), ev('later-2', 's3')], T0 + 1);
    const [p] = await o.claim(1, T0 + 10);
    expect(p.id).toBe('p');
    expect(ids(await o.claim(1, T0 + 10))).toEqual(['later-1']);
    await o.sent(p.seq, T0 + 20);
    expect(ids(await o.claim(1, T0 + 20))).toEqual(['q25']);
    expect(ids(await o.claim(5, T0 + 20))).toEqual(['later-2']);
  });

  it('lets quartiles go once the media-played is a dead letter', async () => {
    const o = open();
    await o.add([ev('p', 's1', 'media-played'), ev('q', 's1')], T0);
    const [p] = await o.claim(10, T0);
    await o.dead(p.seq, T0, { status: 400, message: 'bad' });
    expect(ids(await o.claim(10, T0))).toEqual(['q']);
  });

  it('gives a session without a media-played a grace period for it to arrive', async () => {
    const o = open({ orderGraceMs: 5000 });
    await o.add([ev('q25', 's9'), ev('span', 's9', 'attention-span')], T0);
    expect(await o.claim(10, T0 + 4999)).toEqual([]);
    // The media-played arrives late, in a later beacon: it goes first.
    await o.add([ev('p', 's9', 'media-played')], T0 + 1000);
    expect(ids(await o.claim(10, T0 + 5000))).toEqual(['p']);
    const o2 = open({ orderGraceMs: 5000 });
    await o2.add([ev('q', 's8')], T0);
    expect(ids(await o2.claim(10, T0 + 5000))).toEqual(['q']);
  });

  it('does not wait for the grace period once the session has delivered its media-played', async () => {
    const o = open({ orderGraceMs: 60_000 });
    await o.add([ev('p', 's1', 'media-played')], T0);
    const [p] = await o.claim(1, T0);
    await o.sent(p.seq, T0 + 10);
    await o.add([ev('q', 's1')], T0 + 20);
    expect(ids(await o.claim(1, T0 + 20))).toEqual(['q']);
  });

  it('keeps dead letters with their error, newest first, and counts them', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('x', 's1'), ev('y', 's2'), ev('z', 's3')], T0);
    const [x, y, z] = await o.claim(3, T0);
    await o.dead(x.seq, T0 + 1, { status: 400, category: 'VALIDATION_ERROR', message: 'no media', correlationId: 'c-1' });
    await o.sent(y.seq, T0 + 2);
    await o.dead(z.seq, T0 + 3, { status: 404, message: 'gone' });
    const dead = await o.deadLetters(10);
    expect(dead.map((d) => [d.id, d.status, d.error?.status, d.attempts])).toEqual([
      ['z', 'dead', 404, 1],
      ['x', 'dead', 400, 1],
    ]);
    expect(dead[1].error).toEqual({ status: 400, category: 'VALIDATION_ERROR', message: 'no media', correlationId: 'c-1' });
    expect(await o.stats(T0 + 10)).toMatchObject({ pending: 0, dead: 2 });
  });

  it('reports the latest events, newest first, with their status', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('1', 's1'), ev('2', 's1')], T0);
    const [one] = await o.claim(1, T0);
    await o.sent(one.seq, T0 + 5);
    await o.add([ev('3', 's1')], T0 + 10);
    const recent = await o.recent(10);
    expect(recent.map((r) => [r.id, r.status])).toEqual([
      ['3', 'pending'],
      ['2', 'pending'],
      ['1', 'sent'],
    ]);
    expect(recent[0].event).toMatchObject({ id: '3', type: 'media-played-percent', playedPercent: 25 });
    expect(ids(await o.recent(2))).toEqual(['3', '2']);
  });

  it('reports depth and the age of the oldest pending event', async () => {
    const o = open({ orderGraceMs: 0 });
    expect(await o.stats(T0)).toMatchObject({ pending: 0, oldestPendingAt: undefined, dead: 0 });
    await o.add([ev('1', 's1')], T0);
    await o.add([ev('2', 's1'), ev('3', 's1')], T0 + 500);
    expect(await o.stats(T0 + 1000)).toMatchObject({ pending: 3, oldestPendingAt: T0, dead: 0 });
    const [first] = await o.claim(1, T0 + 1000);
    await o.sent(first.seq, T0 + 1000);
    expect(await o.stats(T0 + 1000)).toMatchObject({ pending: 2, oldestPendingAt: T0 + 500, dead: 0 });
  });

  it('remembers upstream send times', async () => {
    const o = open();
    for (const t of [T0, T0 + 100, T0 + 200]) await o.noteSend(t);
    expect(await o.sendsSince(T0)).toEqual([T0 + 100, T0 + 200]);
  });

  it('forgets delivered ids after their retention, so only then can an id come back', async () => {
    const o = open({ orderGraceMs: 0, keepDeliveredMs: 1000 });
    await o.add([ev('a', 's1')], T0);
    const [a] = await o.claim(1, T0);
    await o.sent(a.seq, T0);
    await o.prune(T0 + 999);
    expect(await o.add([ev('a', 's1')], T0 + 999)).toEqual([false]);
    await o.prune(T0 + 1001);
    expect(await o.recent(10)).toEqual([]);
  });
});

describe('SqliteOutbox, across a restart', () => {
  const file = () => join(tempDir('mbt-outbox-'), 'nested', 'outbox.sqlite');

  it('keeps every stored event, its state, dead letters and send times', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { orderGraceMs: 0 });
    await a.add([ev('1', 's1'), ev('2', 's1')], T0);
    await a.add([ev('3', 's2')], T0 + 1);
    const [one, two] = a.claim(2, T0 + 2);
    a.sent(one.seq, T0 + 3);
    a.dead(two.seq, T0 + 4, { status: 400, message: 'no' });
    a.noteSend(T0 + 3);
    await a.add([ev('4', 's3')], T0 + 5); // still in the inbox when closed
    a.close();

    const b = new SqliteOutbox(path, { orderGraceMs: 0 });
    opened.push(b);
    expect(b.stats(T0 + 10)).toMatchObject({ pending: 2, oldestPendingAt: T0 + 1, dead: 1 });
    expect(b.claim(10, T0 + 10).map((e) => e.id)).toEqual(['3', '4']);
    expect(b.deadLetters(5).map((d) => d.id)).toEqual(['2']);
    expect(b.sendsSince(T0)).toEqual([T0 + 3]);
    // A resend of a delivered event, after the restart emptied the in-memory id cache, is
    // still caught when it reaches the events table.
    expect(await b.add([ev('1', 's1'), ev('5', 's1')], T0 + 20)).toEqual([true, true]);
    expect(b.claim(10, T0 + 30).map((e) => e.id)).toEqual(['5']);
  });

  it('keeps arrival order across a restart that found the inbox empty', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { orderGraceMs: 0 });
    await a.add([ev('old', 's1')], T0);
    const [old] = a.claim(1, T0);
    a.retry(old.seq, T0 + 100_000, { status: 500 });
    a.close();
    const b = new SqliteOutbox(path, { orderGraceMs: 0 });
    opened.push(b);
    await b.add([ev('new', 's2')], T0 + 1);
    expect(b.claim(10, T0 + 100_000).map((e) => e.id)).toEqual(['old', 'new']);
  });

  it('commits the requests of one event-loop turn together, and all of them before answering', async () => {
    const path = file();
    const a = new SqliteOutbox(path);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => a.add([ev(`e${i}`, 's')], T0)));
    expect(answers.every(([fresh]) => fresh)).toBe(true);
    // Read with a second connection... after closing (the file is held exclusively while open).
    a.close();
    const b = new SqliteOutbox(path);
    opened.push(b);
    expect(b.stats(T0).pending).toBe(20);
  });

  it('refuses a second process on the same file while the first holds it', async () => {
    const path = file();
    const a = new SqliteOutbox(path);
    opened.push(a);
    expect(() => opened.push(new SqliteOutbox(path))).toThrow(/locked|busy/i);
  }, 15_000);
});

describe('SqliteOutbox intake journal', () => {
  const file = () => join(tempDir('mbt-journal-'), 'outbox.sqlite');

  it('drops a line torn by a crash, keeping every complete one, and appends cleanly after it', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { orderGraceMs: 0 });
    await a.add([ev('1', 's1')], T0);
    await a.add([ev('2', 's2')], T0);
    a.close();
    // A write cut short by kill -9: part of a line, no newline.
    appendFileSync(`${path}-intake`, '99 1700000000000 1 {"events":[{"type":"media-pl');
    const b = new SqliteOutbox(path, { orderGraceMs: 0 });
    opened.push(b);
    expect(b.stats(T0).pending).toBe(2);
    await b.add([ev('3', 's3')], T0 + 1);
    expect(b.claim(10, T0 + 10).map((e) => e.id)).toEqual(['1', '2', '3']);
  });

  it('moves a line at most once in effect, even if the journal is read again from the start', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { orderGraceMs: 0 });
    await a.add([ev('1', 's1'), ev('2', 's1')], T0);
    const claimed = a.claim(10, T0);
    a.sent(claimed[0].seq, T0 + 1);
    a.close();
    // As after a crash between forgetting the offset and emptying the journal.
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = 0 WHERE key = 'intake_offset'").run();
    db.close();
    const b = new SqliteOutbox(path, { orderGraceMs: 0 });
    opened.push(b);
    expect(b.claim(10, T0 + 2).map((e) => e.id)).toEqual(['2']);
    expect(b.stats(T0 + 2)).toMatchObject({ pending: 1 });
  });

  it('empties the journal once everything in it has moved and it has grown', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { orderGraceMs: 0 });
    opened.push(a);
    const padding = 'x'.repeat(1000);
    await Promise.all(Array.from({ length: 5000 }, (_, i) => a.add([{ ...ev(`e${i}`, `s${i}`), mediaName: padding }], T0)));
    expect(statSync(`${path}-intake`).size).toBeGreaterThan(4 * 1024 * 1024);
    let claimed = 0;
    for (let got = a.claim(500, T0); got.length; got = a.claim(500, T0)) {
      for (const e of got) a.sent(e.seq, T0);
      claimed += got.length;
    }
    expect(claimed).toBe(5000);
    expect(statSync(`${path}-intake`).size).toBe(0);
    await a.add([ev('after', 's')], T0);
    expect(a.claim(10, T0).map((e) => e.id)).toEqual(['after']);
  });

  it('with synchronous FULL, stores and reopens the same way', async () => {
    const path = file();
    const a = new SqliteOutbox(path, { synchronous: 'FULL' });
    await a.add([ev('f', 's')], T0);
    a.close();
    const b = new SqliteOutbox(path, { synchronous: 'FULL' });
    opened.push(b);
    expect(b.stats(T0).pending).toBe(1);
  });
});
