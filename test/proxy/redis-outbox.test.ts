/**
 * RedisOutbox against a real Redis: the outbox contract (as test/proxy/outbox.test.ts runs it
 * on the other stores, on the real clock, which BullMQ's delayed jobs keep), what only a
 * shared store promises (two outboxes on one queue are one queue), and what survives a
 * Redis restart with AOF.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import type { OutboxEvent } from '../../src/proxy/store/outbox.js';
import { jobIdOf } from '../../src/proxy/store/redis/keys.js';
import { RedisOutbox, type RedisOutboxOptions } from '../../src/proxy/store/redis/outbox.js';
import type { WireEvent } from '../../src/wire.js';
import { waitFor } from './fake-hubspot.js';
import { startRedis, type RedisServer } from './redis-server.js';

let redis: RedisServer;
let queues = 0;
const opened: RedisOutbox[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});
afterAll(async () => {
  await redis?.stop();
});

function ev(id: string, sessionId: string, type: WireEvent['type'] = 'media-played-percent'): WireEvent {
  const base = { id, sessionId, mediaType: 'VIDEO' as const, occurredTimestamp: Date.now() };
  if (type === 'media-played') return { ...base, type, state: 'STARTED' };
  if (type === 'attention-span') return { ...base, type, rawDataMap: { '0': 1 } };
  return { ...base, type, playedPercent: 25 };
}

/** An outbox on a queue of its own (or on `queue`, to share one). */
function open(options: RedisOutboxOptions = {}): RedisOutbox {
  const o = new RedisOutbox({ url: redis.url, queue: `test-${++queues}`, logger: silentLogger, leaseMs: 2_000, ...options });
  opened.push(o);
  return o;
}
const ids = (events: Array<{ id: string }>) => events.map((e) => e.id);

describe('RedisOutbox, the outbox contract', () => {
  it('stores events, drops duplicate ids (within and across requests) and says which were new', async () => {
    const o = open({ orderGraceMs: 0 });
    const now = Date.now();
    expect(await o.add([ev('a', 's1'), ev('b', 's1'), ev('a', 's1')], now)).toEqual([true, true, false]);
    expect(await o.add([ev('b', 's1'), ev('c', 's1')], now)).toEqual([false, true]);
    expect((await o.stats(now)).pending).toBe(3);
    expect(ids(await o.claim(10, Date.now()))).toEqual(['a', 'b', 'c']);
  });

  it('hands events out oldest first, each once until settled', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('1', 's1'), ev('2', 's2')], Date.now());
    await o.add([ev('3', 's3')], Date.now());
    expect(ids(await o.claim(2, Date.now()))).toEqual(['1', '2']);
    expect(ids(await o.claim(5, Date.now()))).toEqual(['3']);
    expect(await o.claim(5, Date.now())).toEqual([]);
  });

  it("holds a session's quartiles until its media-played is settled, and retries when due", async () => {
    const o = open();
    await o.add([ev('p', 's1', 'media-played'), ev('q25', 's1'), ev('other', 's2')], Date.now());
    await o.add([ev('q50', 's1')], Date.now());
    // `other` has no media-played: it waits out the grace period (5 s) unless it is old.
    const first = await o.claim(10, Date.now() + 60_000);
    expect(ids(first)).toEqual(['p', 'other']);
    await o.retry(first[0].seq, Date.now() + 300, { status: 500 });
    expect(await o.claim(10, Date.now())).toEqual([]);
    let again: OutboxEvent[] = [];
    await waitFor(async () => (again = await o.claim(10, Date.now())).length > 0, 5_000, 'the retry to come due');
    expect(ids(again)).toEqual(['p']);
    expect(again[0].attempts).toBe(1);
    expect(again[0].error).toEqual({ status: 500 });
    await o.sent(again[0].seq, Date.now());
    let rest: OutboxEvent[] = [];
    await waitFor(async () => (rest = [...rest, ...(await o.claim(10, Date.now()))]).length >= 2, 5_000, 'the quartiles');
    expect(ids(rest).sort()).toEqual(['q25', 'q50']);
  });

  it('keeps the place of a quartile held for its media-played: it goes next once that is answered', async () => {
    // Under a backlog, a place lost is a wait as long as the queue (issue 17's simulation).
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('p', 's1', 'media-played'), ev('q25', 's1')], Date.now());
    await o.add([ev('later-1', 's2'), ev('later-2', 's3')], Date.now());
    const [p] = await o.claim(1, Date.now());
    expect(p.id).toBe('p');
    expect(ids(await o.claim(1, Date.now()))).toEqual(['later-1']);
    await o.sent(p.seq, Date.now());
    expect(ids(await o.claim(1, Date.now()))).toEqual(['q25']);
    expect(ids(await o.claim(5, Date.now()))).toEqual(['later-2']);
  });

  it('lets quartiles go once the media-played is a dead letter', async () => {
    const o = open();
    await o.add([ev('p', 's1', 'media-played'), ev('q', 's1')], Date.now());
    const [p] = await o.claim(1, Date.now());
    expect(p.id).toBe('p');
    await o.dead(p.seq, Date.now(), { status: 400, message: 'bad' });
    let q: OutboxEvent[] = [];
    await waitFor(async () => (q = await o.claim(10, Date.now())).length > 0, 5_000, 'the quartile');
    expect(ids(q)).toEqual(['q']);
  });

  it('gives a session without a media-played a grace period for it to arrive', async () => {
    const o = open({ orderGraceMs: 400 });
    const t = Date.now();
    await o.add([ev('q', 's1')], t);
    expect(await o.claim(10, t + 100)).toEqual([]);
    let got: OutboxEvent[] = [];
    await waitFor(async () => (got = await o.claim(10, Date.now())).length > 0, 5_000, 'the grace period to end');
    expect(ids(got)).toEqual(['q']);
    expect(Date.now() - t).toBeGreaterThanOrEqual(400);
  });

  it('keeps dead letters with their error, newest first, and counts them', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('x', 's1'), ev('y', 's2')], Date.now());
    const [x, y] = await o.claim(2, Date.now());
    await o.dead(x.seq, Date.now(), { status: 400, category: 'VALIDATION_ERROR', message: 'no', correlationId: 'c-1' });
    await new Promise((r) => setTimeout(r, 5));
    await o.dead(y.seq, Date.now(), { status: 404 });
    const dead = await o.deadLetters(10);
    expect(ids(dead)).toEqual(['y', 'x']);
    expect(dead[1]).toMatchObject({ status: 'dead', attempts: 1, error: { status: 400, category: 'VALIDATION_ERROR', correlationId: 'c-1' } });
    expect(await o.stats(Date.now())).toMatchObject({ pending: 0, dead: 2 });
  });

  it('reports the latest events, newest first, with their status, and the depth and age of the queue', async () => {
    const o = open({ orderGraceMs: 0 });
    const t = Date.now() - 3_000;
    await o.add([ev('r1', 's1'), ev('r2', 's2')], t);
    await o.add([ev('r3', 's3')], t + 1_000);
    const [r1] = await o.claim(1, Date.now());
    await o.sent(r1.seq, Date.now());
    const recent = await o.recent(10);
    expect(ids(recent)).toEqual(['r3', 'r2', 'r1']);
    expect(recent.map((e) => e.status)).toEqual(['pending', 'pending', 'sent']);
    expect(await o.stats(Date.now())).toMatchObject({ pending: 2, oldestPendingAt: t, dead: 0 });
  });

  it('forgets delivered ids after their retention, so only then can an id come back', async () => {
    const o = open({ orderGraceMs: 0, keepDeliveredMs: 1_000 });
    const t = Date.now();
    await o.add([ev('old', 's1')], t - 2_000);
    await o.add([ev('new', 's1')], t);
    const claimed = await o.claim(2, t);
    for (const e of claimed) await o.sent(e.seq, t);
    await o.prune(t);
    expect(await o.add([ev('old', 's1'), ev('new', 's1')], t)).toEqual([false, false].map((_, i) => i === 0));
  });

  it('keeps ids BullMQ would refuse (integers, colons) apart', async () => {
    expect(jobIdOf('12')).toBe('e12');
    expect(jobIdOf('a:b')).toBe('ea%3Ab');
    expect(jobIdOf('a%3Ab')).not.toBe(jobIdOf('a:b'));
    const o = open({ orderGraceMs: 0 });
    expect(await o.add([ev('12', 's1'), ev('a:b', 's1'), ev('a%3Ab', 's1')], Date.now())).toEqual([true, true, true]);
    expect(ids(await o.claim(10, Date.now()))).toEqual(['12', 'a:b', 'a%3Ab']);
  });
});

describe('RedisOutbox, shared by instances', () => {
  it('is one queue for every outbox on it: duplicates dropped and events handed out once, across instances', async () => {
    const a = open({ queue: 'shared-1', orderGraceMs: 0 });
    const b = open({ queue: 'shared-1', orderGraceMs: 0 });
    expect(await a.add([ev('s-1', 's1'), ev('s-2', 's2')], Date.now())).toEqual([true, true]);
    expect(await b.add([ev('s-2', 's2'), ev('s-3', 's3')], Date.now())).toEqual([false, true]);
    const fromA = await a.claim(2, Date.now());
    const fromB = await b.claim(10, Date.now());
    expect([...ids(fromA), ...ids(fromB)]).toEqual(['s-1', 's-2', 's-3']);
    expect(await b.stats(Date.now())).toMatchObject({ pending: 3 });
  });

  it("holds a quartile on one instance while its session's media-played is in flight on another", async () => {
    const a = open({ queue: 'shared-2' });
    const b = open({ queue: 'shared-2' });
    await a.add([ev('p', 's1', 'media-played')], Date.now());
    await b.add([ev('q', 's1')], Date.now());
    const [p] = await a.claim(1, Date.now());
    expect(p.id).toBe('p');
    expect(await b.claim(10, Date.now())).toEqual([]);
    await a.sent(p.seq, Date.now());
    let q: OutboxEvent[] = [];
    await waitFor(async () => (q = await b.claim(10, Date.now())).length > 0, 5_000, 'the quartile');
    expect(ids(q)).toEqual(['q']);
  });

  it('lets go of a held quartile whose lock lapsed: the instance that took it over sends it, once', async () => {
    const a = open({ queue: 'shared-4', leaseMs: 1_000 });
    const b = open({ queue: 'shared-4', leaseMs: 1_000 });
    await a.add([ev('p', 's1', 'media-played'), ev('q', 's1')], Date.now());
    const [p] = await b.claim(1, Date.now());
    expect(p.id).toBe('p');
    expect(await a.claim(10, Date.now())).toEqual([]); // q is held on a
    // `a` stops renewing (Redis away from it for a lease, say): q's lock lapses and BullMQ requeues it.
    clearInterval((a as unknown as { lockTimer: ReturnType<typeof setInterval> }).lockTimer);
    await b.sent(p.seq, Date.now());
    let got: OutboxEvent[] = [];
    await waitFor(async () => (got = [...got, ...(await b.claim(10, Date.now()))]).length >= 1, 15_000, 'q on b');
    expect(ids(got)).toEqual(['q']);
    expect(await a.claim(10, Date.now())).toEqual([]);
  });

  it('gives the events of an instance that stopped renewing its lease to another', async () => {
    const a = open({ queue: 'shared-3', orderGraceMs: 0, leaseMs: 1_000 });
    const b = open({ queue: 'shared-3', orderGraceMs: 0, leaseMs: 1_000 });
    await a.add([ev('l-1', 's1'), ev('l-2', 's2')], Date.now());
    expect(ids(await a.claim(2, Date.now()))).toEqual(['l-1', 'l-2']);
    // `a` goes silent, as a SIGKILLed process would: its locks lapse, BullMQ's check requeues.
    await (a as unknown as { worker: { close(force: boolean): Promise<void> } }).worker.close(true);
    clearInterval((a as unknown as { lockTimer: ReturnType<typeof setInterval> }).lockTimer);
    let got: OutboxEvent[] = [];
    await waitFor(async () => (got = [...got, ...(await b.claim(10, Date.now()))]).length >= 2, 15_000, 'the lapsed events');
    expect(ids(got).sort()).toEqual(['l-1', 'l-2']);
  });
});

describe('RedisOutbox when Redis goes away mid-claim', () => {
  it('hands out what the rounds before the failure claimed, so that they are sent, not held forever', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('p', 's1', 'media-played')], Date.now());
    const [p] = await o.claim(1, Date.now());
    expect(p.id).toBe('p'); // in flight: its session's quartile waits
    await o.add([ev('q', 's1'), ev('x', 's2')], Date.now());
    // The first round takes q (held back: p is in flight) and x; the second is cut off, as
    // by Redis going away between the two.
    const worker = (o as unknown as { worker: { getNextJob: (...args: unknown[]) => Promise<unknown> } }).worker;
    const getNextJob = worker.getNextJob.bind(worker);
    let calls = 0;
    worker.getNextJob = (...args) => (++calls <= 2 ? getNextJob(...args) : Promise.reject(new Error('Connection is closed.')));
    const claimed = await o.claim(2, Date.now());
    expect(calls).toBe(3);
    expect(ids(claimed)).toEqual(['x']);
    // And it is this instance's, to settle as any claimed event.
    await o.sent(claimed[0].seq, Date.now());
    await o.sent(p.seq, Date.now());
    worker.getNextJob = getNextJob;
    let rest: OutboxEvent[] = [];
    await waitFor(async () => (rest = await o.claim(10, Date.now())).length > 0, 5_000, 'the quartile');
    expect(ids(rest)).toEqual(['q']);
    expect((await o.stats(Date.now())).pending).toBe(1);
  });

  it('fails a claim that took nothing, for the forwarder to say so and look again', async () => {
    const o = open({ orderGraceMs: 0 });
    await o.add([ev('y', 's1')], Date.now());
    const worker = (o as unknown as { worker: { getNextJob: (...args: unknown[]) => Promise<unknown> } }).worker;
    const getNextJob = worker.getNextJob.bind(worker);
    worker.getNextJob = () => Promise.reject(new Error('Connection is closed.'));
    await expect(o.claim(2, Date.now())).rejects.toThrow('Connection is closed.');
    worker.getNextJob = getNextJob;
    expect(ids(await o.claim(2, Date.now()))).toEqual(['y']);
  });
});

describe('RedisOutbox across a Redis restart', () => {
  it('keeps every accepted event, the ids seen and the dead letters (AOF)', async () => {
    const o = open({ queue: 'restart-1', orderGraceMs: 0 });
    await o.add([ev('k-1', 's1'), ev('k-2', 's2'), ev('k-3', 's3')], Date.now());
    const [k1] = await o.claim(1, Date.now());
    await o.dead(k1.seq, Date.now(), { status: 400 });
    await redis.kill();
    await redis.restart();
    await waitFor(() => o.connection().state === 'ready', 15_000, 'the outbox to reconnect');
    expect(await o.add([ev('k-2', 's2'), ev('k-4', 's4')], Date.now())).toEqual([false, true]);
    expect(await o.stats(Date.now())).toMatchObject({ pending: 3, dead: 1 });
    expect(ids(await o.claim(10, Date.now()))).toEqual(['k-2', 'k-3', 'k-4']);
  });
});
