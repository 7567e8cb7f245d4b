/**
 * Issue 10's "done when": three `media-bridge-proxy` processes with one REDIS_URL take 900
 * events spread over them, plus resends to other instances; one instance is SIGKILLed and
 * Redis is killed and restarted while they drain; every event answered 202 is delivered,
 * duplicates come only from requests in flight, and no 10 s window carries more than
 * HUBSPOT_RATE_LIMIT (190, HubSpot's Professional limit, so the drain takes under a minute).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { beacon, CLUSTER_TOKEN, clusterEnv, copies, maxInWindow, session, startCluster } from './cluster.js';
import type { ProxyProcess } from './proxy-process.js';
import { startRedis, type RedisServer } from './redis-server.js';

const LIMIT = 190;
const MAX_IN_FLIGHT = 8;

let redis: RedisServer | undefined;
let hub: FakeHubSpot | undefined;
let procs: ProxyProcess[] = [];

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await hub?.close();
  await redis?.stop();
});

describe('three instances, one Redis: 900 events through a SIGKILL and a Redis restart', () => {
  it('delivers every accepted event, duplicates only from requests in flight, never over the limit', async () => {
    redis = await startRedis();
    // A fifth of the answers take 300 ms, so requests are in flight when things die.
    hub = await startFakeHubSpot({ acceptTokens: [CLUSTER_TOKEN], rollingLimit: LIMIT, ratios: { slow: { ratio: 0.2, ms: 300 } }, seed: 11 });
    procs = await startCluster(3, clusterEnv(redis.url, 'soak', hub, LIMIT));
    const h = hub;
    const accepted = new Set<string>();
    const alive = () => procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    let resent = 0;

    /** Posts a session's beacon to instance i (or the next one alive), then resends it elsewhere. */
    const viewer = async (i: number) => {
      const s = session('soak', i);
      const events = [s.played, ...s.quartiles];
      for (let attempt = 0; attempt < 20; attempt++) {
        const up = alive();
        const r = await beacon(up[(i + attempt) % up.length].url, events);
        if (r.status === 202) {
          r.ids.forEach((id) => accepted.add(id));
          if (i % 4 === 0) {
            resent++;
            const again = await beacon(up[(i + attempt + 1) % up.length].url, events);
            if (again.status === 202) again.ids.forEach((id) => accepted.add(id));
          }
          return;
        }
        await new Promise((r) => setTimeout(r, 250)); // 503 while Redis is down: the browser tries again
      }
    };

    // 300 viewers in waves of 30; the faults come while the queue drains.
    let killedAt = 0;
    let redisKilledAt = 0;
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(Array.from({ length: 30 }, (_, k) => viewer(wave * 30 + k)));
      if (wave === 3) {
        await waitFor(() => h.delivered().length >= 150, 30_000, 'some deliveries before the kill');
        procs[0].kill('SIGKILL');
        await procs[0].exited;
        killedAt = Date.now(); // from now on, HubSpot hears only from the instances alive
      }
      if (wave === 6) {
        await waitFor(() => h.delivered().length >= 350, 60_000, 'more deliveries before the Redis restart');
        await redis.kill();
        redisKilledAt = Date.now();
        await new Promise((r) => setTimeout(r, 1_000));
        await redis.restart();
      }
    }
    expect(accepted.size).toBe(900);
    expect(resent).toBe(75);
    await waitFor(() => [...accepted].every((id) => copies(h).has(id)), 120_000, 'every accepted event to be delivered');

    // Duplicates: only events the killed instance had in flight (HubSpot got them, the
    // instance never recorded it, and another sent them again after its lease), and any a
    // Redis restart caught between HubSpot's answer and its record.
    const duplicated = [...copies(h)].filter(([, c]) => c.length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(MAX_IN_FLIGHT + 2 * MAX_IN_FLIGHT);
    const fromKill = duplicated.filter(([, [first]]) => first.receivedAt <= killedAt);
    expect(fromKill.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    for (const [id, [first, ...rest]] of duplicated) {
      expect(rest, id).toHaveLength(1);
      expect(first.receivedAt <= killedAt || first.receivedAt <= redisKilledAt, id).toBe(true);
    }

    const times = h.eventRequests().map((r) => r.receivedAt);
    console.log(`soak: ${accepted.size} accepted, ${duplicated.length} duplicates (${fromKill.length} across the kill), most in 10 s ${maxInWindow(times)} of ${LIMIT}`);
    expect(maxInWindow(times)).toBeLessThanOrEqual(LIMIT);
    expect(h.overLimit()).toEqual([]);
  }, 240_000);
});
