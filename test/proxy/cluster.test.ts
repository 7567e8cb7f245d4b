/**
 * Three real `media-bridge-proxy` processes on one real Redis (REDIS_URL) and the fake
 * HubSpot, which counts a real rolling window and answers 429 past it: they forward as one
 * proxy. A burst spread over them with resends to other instances; the rolling limit and its
 * use; the order across instances; the daily limit seen by one pausing all; Redis down, then
 * back; an instance SIGKILLed mid-drain; Redis killed and restarted mid-drain.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { beacon, CLUSTER_TOKEN, clusterEnv, copies, maxInWindow, session, startCluster, useOfLimit } from './cluster.js';
import type { ProxyProcess } from './proxy-process.js';
import { startRedis, type RedisServer } from './redis-server.js';

const LIMIT = 150;
/** The proxy's default `hubspot.maxInFlight`: the most requests one instance has unsettled. */
const MAX_IN_FLIGHT = 8;

let redis: RedisServer;
let hub: FakeHubSpot | undefined;
let procs: ProxyProcess[] = [];
let queues = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  procs = [];
  await hub?.close();
  hub = undefined;
});
afterAll(async () => {
  await redis?.stop();
});

async function cluster(options: { slow?: { ratio: number; ms: number }; seed?: number } = {}) {
  hub = await startFakeHubSpot({ acceptTokens: [CLUSTER_TOKEN], rollingLimit: LIMIT, ratios: options.slow ? { slow: options.slow } : {}, seed: options.seed });
  procs = await startCluster(3, clusterEnv(redis.url, `cluster-${++queues}`, hub, LIMIT));
  return { hub, procs };
}

/** Where BullMQ holds each of `ids`' jobs, for a failure to say why they did not go. */
async function whereInBullMQ(url: string, queue: string, ids: string[]) {
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  try {
    const k = (name: string) => `bull:${queue}:${name}`;
    const active = await r.lrange(k('active'), 0, -1);
    const wait = await r.lrange(k('wait'), 0, -1);
    const stalled = await r.smembers(k('stalled'));
    return await Promise.all(
      ids.map(async (id) => {
        const job = `e${id}`;
        const [prioritized, delayed, completed, failed, lockTtl, hash] = await Promise.all([
          r.zscore(k('prioritized'), job),
          r.zscore(k('delayed'), job),
          r.zscore(k('completed'), job),
          r.zscore(k('failed'), job),
          r.pttl(k(`${job}:lock`)),
          r.hmget(k(job), 'priority', 'processedOn', 'finishedOn', 'stc', 'atm'),
        ]);
        return { id, active: active.includes(job), wait: wait.includes(job), stalled: stalled.includes(job), prioritized, delayed, completed, failed, lockTtl, hash, now: Date.now() };
      }),
    );
  } finally {
    r.disconnect();
  }
}

const health = async (p: ProxyProcess) => {
  const res = await fetch(`${p.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

/** `count` sessions at once, each one beacon to an instance in turn; the ids accepted. */
async function viewers(procs: ProxyProcess[], prefix: string, count: number): Promise<Set<string>> {
  const accepted = new Set<string>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const s = session(prefix, i);
      (await beacon(procs[i % 3].url, [s.played, ...s.quartiles])).ids.forEach((id) => accepted.add(id));
    }),
  );
  return accepted;
}

/** Every id in `accepted` delivered (answered 2xx by the fake). */
const allDelivered = (h: FakeHubSpot, accepted: Iterable<string>) => {
  const got = copies(h);
  return [...accepted].every((id) => got.has(id));
};

describe('three instances on one Redis', () => {
  it('take a burst spread over them as one queue: resends dropped, the rolling limit held and used, media-played first', async () => {
    const { hub, procs } = await cluster();
    const sessions = Array.from({ length: 150 }, (_, i) => session('burst', i));
    const accepted = new Set<string>();
    const sent = await Promise.all(
      sessions.map(async (s, i) => {
        const [a, b] = [procs[i % 3], procs[(i + 1) % 3]];
        // A third of the sessions: the quartiles' beacon reaches one instance before the
        // media-played's beacon reaches another (a beacon behind).
        const beacons = i % 3 === 0 ? [[a, s.quartiles], [b, [s.played]]] : [[a, [s.played, ...s.quartiles]]];
        const out: Array<[ProxyProcess, Array<{ id: string }>]> = [];
        for (const [proc, events] of beacons as Array<[ProxyProcess, Array<{ id: string }>]>) {
          const r = await beacon(proc.url, events);
          expect(r.status).toBe(202);
          r.ids.forEach((id) => accepted.add(id));
          out.push([proc, events]);
        }
        return out;
      }),
    );
    // The browser resends some beacons, and the load balancer sends them elsewhere.
    for (const [[proc, events]] of sent.filter((_, i) => i % 5 === 0)) {
      const other = procs[(procs.indexOf(proc) + 1) % 3];
      const res = await fetch(`${other.url}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events }) });
      expect(await res.json()).toEqual({ accepted: events.length, duplicates: events.length });
    }
    expect(accepted.size).toBe(450);
    await waitFor(() => allDelivered(hub, accepted), 90_000, 'every event to be delivered');

    const got = copies(hub);
    expect([...got.values()].filter((c) => c.length > 1)).toEqual([]);
    const times = hub.eventRequests().map((r) => r.receivedAt);
    expect(maxInWindow(times)).toBeLessThanOrEqual(LIMIT);
    expect(hub.overLimit()).toEqual([]);
    // While the backlog waited, the three together kept HubSpot's window full.
    expect(useOfLimit(times, LIMIT)).toBeGreaterThanOrEqual(0.95);
    for (const s of sessions) {
      const first = got.get(s.played.id)![0];
      for (const q of s.quartiles) expect(got.get(q.id)![0].receivedAt, q.id).toBeGreaterThanOrEqual(first.answeredAt!);
    }
    // HubSpot's answer comes before the instance records it: the last few settle just after.
    await waitFor(async () => (await health(procs[2])).body.outbox?.pending === 0, 10_000, 'the last answers to be recorded');
    const h = await health(procs[2]);
    expect(h.body).toMatchObject({ ok: true, store: { kind: 'redis', state: 'ready' }, outbox: { pending: 0, deadLetters: 0 }, upstream: { state: 'ok' } });
  }, 120_000);

  it("pause all when one of them meets HubSpot's daily limit", async () => {
    const { hub, procs } = await cluster();
    let dailyAt = 0;
    hub.setRule((_req, index) => {
      if (index !== 20) return undefined;
      dailyAt = Date.now();
      return {
        status: 429,
        headers: { 'retry-after': '3' },
        body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' },
      };
    });
    const accepted = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const s = session('daily', i);
      (await beacon(procs[i % 3].url, [s.played, ...s.quartiles])).ids.forEach((id) => accepted.add(id));
    }
    await waitFor(() => dailyAt > 0, 20_000, 'the daily-limit answer');
    await waitFor(async () => (await Promise.all(procs.map(health))).every((h) => h.body.upstream.state === 'daily-limit'), 2_000, 'every instance to show the pause');
    await waitFor(() => allDelivered(hub, accepted), 30_000, 'every event to be delivered');
    // One instance learned of it and paused them all: nothing reached HubSpot from any
    // instance until Retry-After had passed, but requests started before the pause was stored.
    const pauses = procs.flatMap((p) => p.logs().filter((l) => l.msg === 'forwarder: pausing' && l.state === 'daily-limit'));
    expect(pauses).toHaveLength(1);
    const pausedAt = Date.parse(String(pauses[0].time));
    // (500 ms: a request another instance began just before it read the pause may take that
    // long to arrive on a loaded machine; 100 ms was too tight there.)
    const during = hub.eventRequests().filter((r) => r.receivedAt > pausedAt + 500 && r.receivedAt < dailyAt + 2_900);
    expect(during).toEqual([]);
    // ...and they went on as soon as it ended.
    const after = hub.eventRequests().filter((r) => r.receivedAt >= dailyAt + 2_900);
    expect(Math.min(...after.map((r) => r.receivedAt)) - dailyAt).toBeLessThan(4_000);
  }, 60_000);

  it('answer 503 while Redis is down, accept nothing they cannot store, say so once, and recover on their own', async () => {
    const { hub, procs } = await cluster();
    const accepted = new Set<string>();
    const refused: Array<[number, Array<{ id: string }>]> = [];
    const s0 = session('down', 0);
    (await beacon(procs[0].url, [s0.played, ...s0.quartiles])).ids.forEach((id) => accepted.add(id));
    await waitFor(() => allDelivered(hub, accepted), 20_000, 'the first events');

    await redis.kill();
    for (let i = 1; i <= 30; i++) {
      const s = session('down', i);
      const events = [s.played, ...s.quartiles];
      const started = Date.now();
      const r = await beacon(procs[i % 3].url, events);
      expect(r.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
      refused.push([i % 3, events]);
    }
    const down = await health(procs[1]);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, store: { kind: 'redis', state: 'reconnecting' } });

    await redis.restart();
    // The browser retries: once Redis is back, every instance takes them again.
    await waitFor(async () => (await beacon(procs[2].url, refused[0][1])).status === 202, 20_000, 'ingest to recover');
    for (const [proc, events] of refused) {
      // An instance reconnects on its own within its backoff (at most 2 s between tries).
      await waitFor(async () => (await beacon(procs[(proc + 1) % 3].url, events)).status === 202, 10_000, 'the resend to be stored');
      events.forEach((e) => accepted.add(e.id));
    }
    await waitFor(() => allDelivered(hub, accepted), 30_000, 'forwarding to recover');
    // An instance says Redis is back once both its connections are. Its worker's connection
    // may still be in its backoff (up to 2 s, plus 1 s if it met Redis loading its AOF) when
    // its ingest works and the other two have delivered everything: wait for it, bounded.
    const back = (p: ProxyProcess) => p.logs().some((l) => String(l.msg).startsWith('Redis is reachable again'));
    await waitFor(() => procs.every(back), 10_000, 'every instance to say Redis is reachable again');
    for (const p of procs) {
      const msgs = p.logs().map((l) => String(l.msg));
      expect(msgs.filter((m) => m.startsWith('Redis is unreachable'))).toHaveLength(1);
      expect(msgs.filter((m) => m.startsWith('Redis is reachable again'))).toHaveLength(1);
      expect(msgs.filter((m) => m.startsWith('storing events failed')).length).toBeLessThanOrEqual(1);
      expect(msgs.filter((m) => m.startsWith('forwarder: returning rate-limit slots failed')).length).toBeLessThanOrEqual(1);
    }
    await waitFor(async () => (await health(procs[0])).body.outbox.pending === 0, 5_000, 'the queue to be empty');
    for (const p of procs) expect((await health(p)).body).toMatchObject({ ok: true, store: { state: 'ready' } });
  }, 90_000);

  it('lose nothing when one is SIGKILLed mid-drain: its events come back after the lease, and only its requests in flight go twice', async () => {
    // Half of HubSpot's answers are slow, so the killed instance has requests in flight.
    const { hub, procs } = await cluster({ slow: { ratio: 0.5, ms: 300 }, seed: 3 });
    const accepted = await viewers(procs, 'kill', 100);
    await waitFor(() => hub.delivered().length >= 60, 30_000, 'some deliveries');
    procs[0].kill('SIGKILL');
    await procs[0].exited;
    // Anything HubSpot receives from now on was sent by the instances alive.
    const killedAt = Date.now();
    await waitFor(() => allDelivered(hub, accepted), 60_000, 'every event to be delivered');

    const duplicated = [...copies(hub)].filter(([, c]) => c.length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    for (const [id, [first, ...rest]] of duplicated) {
      expect(first.receivedAt, id).toBeLessThanOrEqual(killedAt);
      expect(rest).toHaveLength(1);
    }
    expect(maxInWindow(hub.eventRequests().map((r) => r.receivedAt))).toBeLessThanOrEqual(LIMIT);
  }, 90_000);

  it('lose nothing when Redis is killed and restarted mid-drain (AOF)', async () => {
    const { hub, procs } = await cluster();
    const accepted = await viewers(procs, 'restart', 100);
    await waitFor(() => hub.delivered().length >= 40, 30_000, 'some deliveries');
    await redis.kill();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart();
    // A claim cut off by the kill leaves the jobs it had moved to active with no instance:
    // they come back once their lease (30 s: three HubSpot timeouts) has lapsed, at BullMQ's
    // second stalled check after that (every 15 s), so up to a minute after the kill.
    await waitFor(() => allDelivered(hub, accepted), 100_000, 'every event to be delivered').catch(async (e) => {
      const got = copies(hub);
      const missing = [...accepted].filter((id) => !got.has(id));
      console.log('DIAG missing', missing);
      console.log('DIAG where', JSON.stringify(await whereInBullMQ(redis.url, `cluster-${queues}`, missing)));
      console.log('DIAG health', JSON.stringify(await Promise.all(procs.map(health))));
      for (const p of procs) console.log('DIAG log', JSON.stringify(p.logs().filter((l) => l.level !== 'info' || /Redis|paus/.test(String(l.msg)))));
      throw e;
    });
    // Requests in flight at the kill are settled once Redis is back, so none goes twice.
    const duplicated = [...copies(hub)].filter(([, c]) => c.length > 1);
    for (const [id, [first]] of duplicated) expect(first.receivedAt, id).toBeLessThanOrEqual(killedAt);
    expect(duplicated.length).toBeLessThanOrEqual(3 * MAX_IN_FLIGHT);
    expect(maxInWindow(hub.eventRequests().map((r) => r.receivedAt))).toBeLessThanOrEqual(LIMIT);
    expect(hub.overLimit()).toEqual([]);
  }, 150_000);
});
