/**
 * The backlog policy (src/proxy/store/backlog-policy.ts) as every store applies it: one test
 * body, run against the memory, SQLite and Redis (a real one) outboxes, on the real clock
 * (BullMQ's delayed jobs keep it). A backlog is made by accepting events a minute ago.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import type { BacklogMode } from '../../src/proxy/store/backlog-policy.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import type { Outbox, OutboxOptions } from '../../src/proxy/store/outbox.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import type { WireEvent } from '../../src/wire.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { tempDir } from './temp-dirs.js';

let redis: RedisServer;
let queues = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
const opened: Outbox[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const stores: Array<[string, (options: OutboxOptions) => Outbox]> = [
  ['MemoryOutbox', (options) => new MemoryOutbox(options)],
  ['SqliteOutbox', (options) => new SqliteOutbox(join(tempDir('mbt-backlog-'), 'outbox.sqlite'), options)],
  ['RedisOutbox', (options) => new RedisOutbox({ url: redis.url, queue: `backlog-${++queues}`, logger: silentLogger, leaseMs: 2_000, ...options })],
];

/** `a25` is session a's 25% quartile, `a:att` its attention span, `a:played` its media-played. */
function ev(name: string): WireEvent {
  const [sessionId, what] = name.includes(':') ? name.split(':') : [name[0], name.slice(1)];
  const base = { id: `${name}-${queues}`, sessionId, mediaType: 'VIDEO' as const, occurredTimestamp: Date.now() };
  if (what === 'played') return { ...base, type: 'media-played', state: 'STARTED' };
  if (what === 'att') return { ...base, type: 'attention-span', rawDataMap: { '0': 1 } };
  return { ...base, type: 'media-played-percent', playedPercent: Number(what) };
}
const names = (events: Array<{ id: string }>) => events.map((e) => e.id.replace(/-\d+$/, ''));

/** In arrival order. Sessions a, b and c had their media-played delivered before; d's waits. */
const WAITING = ['a:att', 'a25', 'b25', 'a50', 'c25', 'b:att', 'b50', 'b75', 'd:played'];

describe.each(stores)('%s', (_name, make) => {
  const open = (mode: BacklogMode) => {
    const o = make({ orderGraceMs: 0, backlog: { mode, afterMs: 30_000 } });
    opened.push(o);
    return o;
  };

  /** Delivers a, b and c's media-played, then stores WAITING, accepted `agoMs` ago. */
  async function fill(o: Outbox, agoMs: number): Promise<void> {
    await o.add(['a:played', 'b:played', 'c:played'].map(ev), Date.now() - agoMs - 1_000);
    const played = await o.claim(3, Date.now());
    expect(names(played).sort()).toEqual(['a:played', 'b:played', 'c:played']);
    for (const e of played) await o.sent(e.seq, Date.now());
    await o.add(WAITING.map(ev), Date.now() - agoMs);
  }

  /** Claims in small steps (as the forwarder does), delivering each step. */
  async function drain(o: Outbox): Promise<string[]> {
    const out: string[] = [];
    for (let round = 0; round < 10; round++) {
      const claimed = await o.claim(3, Date.now());
      if (claimed.length === 0) break;
      out.push(...names(claimed));
      for (const e of claimed) await o.sent(e.seq, Date.now());
    }
    return out;
  }

  it('without a backlog, hands events out in arrival order', async () => {
    const o = open('priority');
    await fill(o, 0);
    expect(await drain(o)).toEqual(WAITING);
  });

  it('under backlog: media-played, then each session’s highest quartile, attention spans, then the other quartiles, oldest first', async () => {
    const o = open('priority');
    await fill(o, 60_000);
    const stats = await o.stats(Date.now());
    expect(stats.waiting).toEqual({ 'attention-span': 2, 'media-played-percent': 6, 'media-played': 1 });
    expect(stats.oldestPendingAt).toBeLessThan(Date.now() - 59_000);
    expect(await drain(o)).toEqual(['d:played', 'a50', 'c25', 'b75', 'a:att', 'b:att', 'a25', 'b25', 'b50']);
    expect((await o.stats(Date.now())).superseded).toBe(0);
  });

  it('fifo keeps arrival order, backlog or not', async () => {
    const o = open('fifo');
    await fill(o, 60_000);
    expect(await drain(o)).toEqual(WAITING);
  });

  it('coalesce drops, under backlog, only quartiles below a higher one of the same session, and counts them', async () => {
    const o = open('coalesce');
    await fill(o, 60_000);
    // c25 is below a50 and b75, but of another session: it stays.
    expect(await drain(o)).toEqual(['d:played', 'a50', 'c25', 'b75', 'a:att', 'b:att']);
    const stats = await o.stats(Date.now());
    expect(stats.superseded).toBe(3);
    expect(stats.pending).toBe(0);
    expect(stats.delivered?.count).toBe(9);
  });

  it('coalesce drops nothing without a backlog', async () => {
    const o = open('coalesce');
    await fill(o, 0);
    expect(await drain(o)).toEqual(WAITING);
    expect((await o.stats(Date.now())).superseded).toBe(0);
  });
});

describe('SqliteOutbox from before the backlog policy', () => {
  it('adds the tier and percent columns to an existing file, and its waiting events are ranked', async () => {
    const dir = tempDir('mbt-backlog-old-');
    const file = join(dir, 'outbox.sqlite');
    const { default: Database } = await import('better-sqlite3');
    const old = new Database(file);
    old.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, session_id TEXT NOT NULL,
      event TEXT, accepted_at INTEGER NOT NULL, status INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
      not_before INTEGER NOT NULL DEFAULT 0, done_at INTEGER, error TEXT)`);
    const at = Date.now() - 60_000;
    const insert = old.prepare('INSERT INTO events (seq, id, type, session_id, event, accepted_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const [seq, name] of [[64, 'x25'], [128, 'y:att']] as const) {
      const e = ev(name);
      insert.run(seq, e.id, e.type, e.sessionId, JSON.stringify(e), at);
    }
    old.close();
    const o = new SqliteOutbox(file, { orderGraceMs: 0 });
    opened.push(o);
    // x's 50% arrives: its 25% is superseded, and under backlog goes after y's attention span.
    await o.add([ev('x50')], at);
    expect(names(await o.claim(5, Date.now()))).toEqual(['x50', 'y:att', 'x25']);
  });
});
