/**
 * Three instances on one Redis, against one instance on SQLite, in the same run:
 * - ingest: autocannon on the three instances at once (the connections split between them)
 *   against autocannon on the one SQLite instance, alternating, medians; both run dry, so
 *   only validating and storing is measured;
 * - drain: the same backlog of events through each setup to the fake HubSpot, which counts
 *   a real rolling window; the time to deliver it against the least a rolling window
 *   allows (minimumDrainSeconds), and the most requests HubSpot saw in any 10 s window.
 * All on this machine's cores: the three instances, Redis and autocannon share them.
 */
import type autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { maxInWindow, startFakeHubSpot } from '../test/proxy/fake-hubspot.js';
import { CLUSTER_TOKEN } from '../test/proxy/cluster.js';
import { startProxy, type ProxyProcess } from '../test/proxy/proxy-process.js';
import { startRedis, type RedisServer } from '../test/proxy/redis-server.js';
import { deliveryKey, eventKey, viewing } from './events.js';
import { minimumDrainSeconds, post, untilDelivered } from './delivery.js';
import { load, median } from './ingest.js';

export interface ClusterDrain {
  accepted: number;
  delivered: number;
  duplicates: number;
  drainSeconds: number;
  minimumSeconds: number;
  drainRatio: number;
  maxRequestsIn10s: number;
  overLimit: number;
}

export interface ClusterResult {
  instances: number;
  connections: number;
  seconds: number;
  rounds: number;
  rateLimit: number;
  ingest: { redisRequestsPerSecond: number; sqliteRequestsPerSecond: number; ratio: number; non2xx: number };
  drain: { redis: ClusterDrain; sqlite: ClusterDrain };
}

const INSTANCES = 3;

async function stop(procs: ProxyProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
}

/** autocannon on every instance at once, the connections split between them; total requests/s. */
async function loadAll(urls: string[], connections: number, seconds: number): Promise<{ rps: number; non2xx: number }> {
  const per = Math.max(1, Math.round(connections / urls.length));
  const results: autocannon.Result[] = await Promise.all(urls.map((u) => load(u, per, seconds)));
  return { rps: results.reduce((n, r) => n + r.requests.average, 0), non2xx: results.reduce((n, r) => n + r.non2xx + r.errors, 0) };
}

/** Posts `events` events as whole viewings spread over `urls`, then waits for HubSpot to have them all. */
async function drain(events: number, rateLimit: number, start: (hubUrl: string) => Promise<ProxyProcess[]>, log: (l: string) => void): Promise<ClusterDrain> {
  const hub = await startFakeHubSpot({ acceptTokens: [CLUSTER_TOKEN], rollingLimit: rateLimit, seed: 5 });
  const procs = await start(hub.url);
  try {
    const viewings = Array.from({ length: Math.ceil(events / 5) }, viewing);
    const accepted = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < viewings.length; i += 20) {
      const batch = viewings.slice(i, i + 20);
      const ok = await Promise.all(batch.map((v, j) => post(procs[(i + j) % procs.length].url, v)));
      batch.forEach((v, j) => ok[j] && v.forEach((e) => accepted.add(eventKey(e))));
    }
    await untilDelivered(hub, accepted, { started, timeoutMs: 10 * 60_000, log: (line) => log(`  cluster: ${line}`) });
    const keys = hub.delivered().map((r) => deliveryKey(r.path, r.json ?? {}));
    const distinct = new Set(keys);
    const drainSeconds = (Math.max(...hub.delivered().map((r) => r.answeredAt ?? 0)) - started) / 1000;
    const minimumSeconds = minimumDrainSeconds(accepted.size, rateLimit);
    return {
      accepted: accepted.size,
      delivered: [...accepted].filter((k) => distinct.has(k)).length,
      duplicates: keys.length - distinct.size,
      drainSeconds,
      minimumSeconds,
      drainRatio: drainSeconds / minimumSeconds,
      maxRequestsIn10s: maxInWindow(hub.eventRequests().map((r) => r.receivedAt)),
      overLimit: hub.overLimit().length,
    };
  } finally {
    await stop(procs);
    await hub.close();
  }
}

export async function measureCluster({
  connections = 20,
  seconds = 5,
  rounds = 3,
  events = 600,
  rateLimit = 150,
  dataDir,
  log = (_: string) => {},
}: {
  connections?: number;
  seconds?: number;
  rounds?: number;
  events?: number;
  rateLimit?: number;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<ClusterResult> {
  const redis: RedisServer = await startRedis();
  const flush = new Redis(redis.url);
  try {
    // Ingest, both dry (no token): validating and storing only.
    const dry = { CLIENT_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
    const cluster = await Promise.all(Array.from({ length: INSTANCES }, () => startProxy({ ...dry, REDIS_URL: redis.url, MEDIA_BRIDGE_QUEUE: 'bench-ingest' })));
    const single = await startProxy({ ...dry, MEDIA_BRIDGE_DATA_DIR: `${dataDir}/ingest` });
    const runs: Array<{ target: 'redis' | 'sqlite'; rps: number; non2xx: number }> = [];
    try {
      await loadAll(cluster.map((p) => p.url), connections, 1);
      await load(single.url, connections, 1);
      for (let i = 0; i < rounds; i++) {
        for (const target of i % 2 ? (['sqlite', 'redis'] as const) : (['redis', 'sqlite'] as const)) {
          const r = target === 'redis' ? await loadAll(cluster.map((p) => p.url), connections, seconds) : await loadAll([single.url], connections, seconds);
          runs.push({ target, ...r });
          log(`  cluster ingest round ${i + 1}/${rounds}, ${target === 'redis' ? `${INSTANCES} on Redis` : '1 on SQLite'}: ${r.rps.toFixed(0)} req/s, non-2xx or errors ${r.non2xx}`);
          if (target === 'redis') await flush.flushall(); // keep Redis's memory and AOF small between rounds
        }
      }
    } finally {
      await stop([...cluster, single]);
    }
    const rps = (t: 'redis' | 'sqlite') => median(runs.filter((r) => r.target === t).map((r) => r.rps));

    log(`  cluster drain: ${events} events at ${rateLimit} per 10 s, ${INSTANCES} instances on Redis…`);
    const env = (hubUrl: string) => ({ HUBSPOT_ACCESS_TOKEN: CLUSTER_TOKEN, HUBSPOT_API_BASE: hubUrl, HUBSPOT_RATE_LIMIT: String(rateLimit), HUBSPOT_TIMEOUT_MS: '2000', CLIENT_RATE_LIMIT: '0', LOG_LEVEL: 'warn' });
    const onRedis = await drain(
      events,
      rateLimit,
      (hub) => Promise.all(Array.from({ length: INSTANCES }, () => startProxy({ ...env(hub), REDIS_URL: redis.url, MEDIA_BRIDGE_QUEUE: 'bench-drain' }))),
      log,
    );
    log(`  cluster drain: the same on one instance on SQLite…`);
    const onSqlite = await drain(events, rateLimit, async (hub) => [await startProxy({ ...env(hub), MEDIA_BRIDGE_DATA_DIR: `${dataDir}/drain` })], log);
    return {
      instances: INSTANCES,
      connections,
      seconds,
      rounds,
      rateLimit,
      ingest: {
        redisRequestsPerSecond: rps('redis'),
        sqliteRequestsPerSecond: rps('sqlite'),
        ratio: rps('redis') / rps('sqlite'),
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      },
      drain: { redis: onRedis, sqlite: onSqlite },
    };
  } finally {
    flush.disconnect();
    await redis.stop();
  }
}
