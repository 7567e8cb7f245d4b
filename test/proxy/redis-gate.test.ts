/**
 * HubSpot's rolling window and the pauses, shared in Redis (RedisGate), against a real Redis;
 * and why BullMQ's own limiter is not enough: it counts fixed windows, and a fixed window
 * lets nearly twice its limit through in a rolling one. Windows are shortened to 1 s here
 * (the proxy's is HubSpot's 10 s); the rule is the same.
 */
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import { WAITER_MS, type UpstreamGate } from '../../src/proxy/upstream/gate.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { maxInWindow, waitFor } from './fake-hubspot.js';
import { startRedis, type RedisServer } from './redis-server.js';

let redis: RedisServer;
const closers: Array<() => Promise<void>> = [];
let queues = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gates of `n` instances on one queue, with a 1 s window (hold 1.25 s). */
function gates(n: number, limit: number, timeoutMs = 1_000): UpstreamGate[] {
  const queue = `gate-${++queues}`;
  return Array.from({ length: n }, () => {
    const o = new RedisOutbox({ url: redis.url, queue, logger: silentLogger });
    closers.push(() => o.close());
    return o.sharedGate({ limit, timeoutMs, windowMs: 1_000 });
  });
}

describe("BullMQ's own limiter", () => {
  it('counts fixed windows, so a rolling window can carry nearly twice its limit', async () => {
    const name = 'fixed-window';
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: redis.port } });
    const starts: number[] = [];
    const worker = new Worker(name, async () => void starts.push(Date.now()), {
      connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
      concurrency: 20,
      limiter: { max: 10, duration: 1_000 },
    });
    closers.push(async () => {
      await worker.close();
      await queue.close();
    });
    // One job opens a window; nine more near its end fill it; ten more wait for the next.
    await queue.add('j', {});
    await waitFor(() => starts.length === 1, 5_000, 'the first job');
    await sleep(800 - (Date.now() - starts[0]));
    await queue.addBulk(Array.from({ length: 19 }, () => ({ name: 'j', data: {} })));
    await waitFor(() => starts.length === 20, 5_000, 'all jobs');
    // Measured: 19 in one rolling second against a limit of 10 (the window's 10, less the first, and the next 10).
    expect(maxInWindow(starts, 1_000)).toBeGreaterThanOrEqual(15);
  });
});

describe('RedisGate: the rolling window, shared', () => {
  it('never lets three instances together start more than the limit in any window, and keeps it busy', async () => {
    const limit = 12;
    const all = gates(3, limit);
    const starts: number[] = [];
    const until = Date.now() + 4_000;
    // Each instance sends as fast as its slots allow; requests take 20-120 ms.
    await Promise.all(
      all.map(async (gate) => {
        while (Date.now() < until) {
          const { slots, waitMs } = await gate.take(4, Date.now());
          if (slots.length === 0) {
            await sleep(Math.min(waitMs, until - Date.now()));
            continue;
          }
          await Promise.all(
            slots.map(async (slot) => {
              starts.push(Date.now());
              await sleep(20 + Math.random() * 100);
              await gate.complete(slot, Date.now());
            }),
          );
        }
      }),
    );
    expect(maxInWindow(starts, 1_000)).toBeLessThanOrEqual(limit);
    // Each slot is held for its request plus 1.25 s: about 3 rounds of the limit in 4 s.
    expect(starts.length).toBeGreaterThanOrEqual(limit * 3);
  });

  it('says how long until a slot frees, and a released slot is free at once', async () => {
    const [a, b] = gates(2, 2);
    const first = await a.take(2, Date.now());
    expect(first.slots).toHaveLength(2);
    const none = await b.take(1, Date.now());
    expect(none.slots).toEqual([]);
    // Both are in flight: they count until their lease (timeout + 1 s) plus the hold.
    expect(none.waitMs).toBeGreaterThan(2_000);
    await a.release(first.slots[0]);
    expect((await b.take(1, Date.now())).slots).toHaveLength(1);
    await a.complete(first.slots[1], Date.now());
    const after = await b.take(1, Date.now());
    expect(after.slots).toEqual([]);
    expect(after.waitMs).toBeGreaterThan(1_000);
    expect(after.waitMs).toBeLessThanOrEqual(1_250);
  });

  it('lets the slot of an instance that died in flight lapse after its lease and the hold', async () => {
    const [a, b] = gates(2, 1, 200);
    const t = Date.now();
    expect((await a.take(1, t)).slots).toHaveLength(1); // never completed
    await waitFor(async () => (await b.take(1, Date.now())).slots.length === 1, 5_000, 'the lapsed slot');
    // The lease is the timeout plus 1 s, then the hold: the 1 s window plus its margin, a
    // 40th of a window shorter than HubSpot's 10 s (25 ms), as in every gate (holdMs).
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_200 + 1_025 - 50);
  });
});

describe('RedisGate: waiters (media-object calls) go before events, across instances', () => {
  it('leaves the next free slot to a waiter of another instance, until it takes it or stops asking', async () => {
    const [a, b] = gates(2, 2);
    const events = await a.take(2, Date.now());
    expect(events.slots).toHaveLength(2);
    // A media-object call on b waits: the window is full.
    expect((await b.take(1, Date.now(), 'create-1')).slots).toEqual([]);
    for (const slot of events.slots) await a.release(slot);
    // Two free: a's events get one, and are told to look again soon; the waiter gets the other.
    const forwarder = await a.take(2, Date.now());
    expect(forwarder.slots).toHaveLength(1);
    expect(forwarder.waitMs).toBeLessThanOrEqual(50);
    expect((await b.take(1, Date.now(), 'create-1')).slots).toHaveLength(1);
    await a.release(forwarder.slots[0]);
    expect((await a.take(2, Date.now())).slots).toHaveLength(1); // the waiter is served: nothing held back

    // A waiter that stops asking (its instance died) keeps a freed slot only a while (WAITER_MS).
    const [c, d] = gates(2, 2);
    const held = await c.take(2, Date.now());
    expect((await d.take(1, Date.now(), 'create-2')).slots).toEqual([]);
    const t = Date.now();
    await c.release(held.slots[0]);
    expect((await c.take(1, Date.now())).slots).toEqual([]);
    await waitFor(async () => (await c.take(1, Date.now())).slots.length === 1, 5_000, 'the waiter to lapse');
    expect(Date.now() - t).toBeGreaterThanOrEqual(WAITER_MS - 100);
  });
});

describe('RedisGate: pauses, shared', () => {
  it("one instance's pause holds every instance, only grows, and shows as BullMQ's rate limit", async () => {
    const queue = `gate-${++queues}`;
    const outboxes = [0, 1].map(() => new RedisOutbox({ url: redis.url, queue, logger: silentLogger }));
    for (const o of outboxes) closers.push(() => o.close());
    const [a, b] = outboxes.map((o) => o.sharedGate({ limit: 10, timeoutMs: 1_000 }));
    const now = Date.now();
    expect(await a.pause({ reason: 'daily-limit', until: now + 800 }, now)).toBe(true);
    // A shorter pause changes nothing; the same reason longer is not news.
    expect(await b.pause({ reason: 'backing-off', until: now + 100 }, now)).toBe(false);
    expect(await b.pause({ reason: 'daily-limit', until: now + 900 }, now)).toBe(false);
    const held = await b.take(3, Date.now());
    expect(held.slots).toEqual([]);
    expect(held.pause?.reason).toBe('daily-limit');
    expect(held.waitMs).toBeGreaterThan(600);
    expect((await a.paused(Date.now()))?.reason).toBe('daily-limit');
    const bull = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    closers.push(() => bull.close());
    expect(await bull.getRateLimitTtl()).toBeGreaterThan(600);
    await waitFor(async () => (await b.take(1, Date.now())).slots.length === 1, 3_000, 'the pause to end');
    expect(Date.now() - now).toBeGreaterThanOrEqual(850);
    expect(await a.paused(Date.now())).toBeUndefined();
  });
});
