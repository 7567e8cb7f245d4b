/**
 * `npm run simulate`: the blast of issue 17, played through the real proxy against the fake
 * HubSpot and its rolling window, once per backlog policy (fifo, priority, coalesce), on
 * SQLite and on three instances sharing one Redis.
 *
 * The scenario, at real scale: 5,000 viewers press play within the hour, half of them in the
 * first 10 minutes (uniformly), the rest over the next 50; HubSpot takes 90 requests per
 * rolling 10 s. It is played scaled: time runs `--scale` times faster (the window, the
 * backlog threshold and the retry base shrink with it), and `--viewers` viewers take the
 * place of 5,000, with the limit cut in proportion, so the queue's shape is the same and an
 * hour takes a minute. Every figure printed is converted back to real-scale seconds.
 *
 * Each viewer's session follows one of a few shapes (SHAPES below): most stop before 50%,
 * some finish, some seek. The tracker sends media-played at once, each quartile when that
 * share has actually been played, and the attention span when the viewing ends, each as
 * its own beacon.
 *
 * Printed per store and policy: the time from a viewing's start to its media-played
 * reaching HubSpot (p50/p90/p99), the time from its highest quartile's beacon to HubSpot,
 * the backlog over time as a text chart, events dropped as superseded or expired, and the
 * check that no accepted event was lost or sent twice. Figures go to bench/results.json
 * under `simulate` (the bench's keys are kept).
 *
 *   npm run simulate                                  both stores, all three policies
 *   npm run simulate -- --stores=sqlite --policies=fifo,priority
 *   npm run simulate -- --viewers=500 --scale=60 --media-seconds=180 --seed=17
 *   npm run simulate -- --smoke                       a short run (a few seconds per policy)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seeded, startFakeHubSpot } from '../test/proxy/fake-hubspot.js';
import { ROOT, startProxy, type ProxyProcess } from '../test/proxy/proxy-process.js';
import { startRedis, type RedisServer } from '../test/proxy/redis-server.js';
import { deliveryKey, eventKey } from './events.js';
import type { WireEvent } from '../src/wire.js';

type Policy = 'fifo' | 'priority' | 'coalesce';
type Store = 'sqlite' | 'redis';

const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const smoke = args.includes('--smoke');
const viewers = Number(arg('viewers') ?? (smoke ? 100 : 500));
const scale = Number(arg('scale') ?? (smoke ? 240 : 30));
const mediaSeconds = Number(arg('media-seconds') ?? 180);
const seed = Number(arg('seed') ?? 17);
const stores = (arg('stores') ?? 'sqlite,redis').split(',') as Store[];
const policies = (arg('policies') ?? 'fifo,priority,coalesce').split(',') as Policy[];
const resultsFile = arg('out') ?? join(ROOT, 'bench/results.json');
/** Which run kills an instance (SIGKILL, then a restart) at minute 8: `store:policy`, or `none`. */
const killIn = arg('kill') ?? 'redis:coalesce';
const KILL_AT_S = 8 * 60;
/** The proxy's default `hubspot.maxInFlight`: the most requests a kill can leave unrecorded. */
const MAX_IN_FLIGHT = 8;
const write = !args.includes('--no-write');
const log = (line: string) => console.error(line);

/** Real scale: the issue's blast. */
const REAL_VIEWERS = 5_000;
const REAL_LIMIT = 90;
const REAL_WINDOW_MS = 10_000;
const HOUR_S = 3_600;
const FIRST_S = 600;
/** HubSpot's limit at this scale: the same share of it per viewer. */
const limit = Math.max(1, Math.round((REAL_LIMIT * viewers) / REAL_VIEWERS));
const windowMs = Math.round(REAL_WINDOW_MS / scale);
const TOKEN = 'simulate-token';
const INSTANCES = 3;
/** The proxy's default timeout: a request HubSpot answers later than this is sent again. */
const TIMEOUT_MS = 10_000;

/** A session's shape: how much of the media is played, and where it stops (shares of the duration). */
interface Shape {
  name: string;
  share: number;
  /** Played share at which the viewing stops: drawn uniformly in [from, to). */
  played: [number, number];
  /** It skips this share of the media partway (a seek ahead): played time is less than the span. */
  seeks?: boolean;
}
const SHAPES: Shape[] = [
  { name: 'leaves before 25%', share: 0.4, played: [0.03, 0.25] },
  { name: 'stops between 25% and 50%', share: 0.25, played: [0.25, 0.5] },
  { name: 'stops between 50% and 100%', share: 0.15, played: [0.5, 1] },
  { name: 'finishes', share: 0.12, played: [1, 1] },
  { name: 'seeks ahead, then plays to the end', share: 0.08, played: [0.3, 0.5], seeks: true },
];

interface Beacon {
  /** Simulated seconds from the blast's start. */
  at: number;
  events: WireEvent[];
}
interface Viewer {
  sessionId: string;
  start: number;
  beacons: Beacon[];
  /** The highest quartile it reaches, if any. */
  top?: number;
}

/** The viewers and their beacons, from the seed. */
function scenario(): Viewer[] {
  const random = seeded(seed);
  let n = 0;
  const id = () => `sim-${seed}-${(n++).toString(36)}`;
  const out: Viewer[] = [];
  for (let v = 0; v < viewers; v++) {
    const start = v < viewers / 2 ? random() * FIRST_S : FIRST_S + random() * (HOUR_S - FIRST_S);
    let pick = random();
    const shape = SHAPES.find((s) => (pick -= s.share) < 0) ?? SHAPES[0];
    const played = shape.played[0] + random() * (shape.played[1] - shape.played[0]);
    const sessionId = `v${v}-${seed}`;
    const base = { sessionId, mediaType: 'VIDEO' as const, externalId: 'webinar-recording', mediaName: 'Webinar recording', pageUrl: 'https://www.example.com/webinar' };
    const ev = <T extends object>(at: number, extra: T) => ({ ...base, ...extra, id: id(), occurredTimestamp: 0, at });
    const beacons: Beacon[] = [{ at: start, events: [ev(start, { type: 'media-played', state: 'STARTED' }) as unknown as WireEvent] }];
    let top: number | undefined;
    for (const q of [25, 50, 75, 100]) {
      if (played * 100 < q) break;
      top = q;
      // A quartile goes when that share has been played, at 1×: a seek skips time, not play.
      const at = start + (q / 100) * mediaSeconds;
      beacons.push({ at, events: [ev(at, { type: 'media-played-percent', playedPercent: q }) as unknown as WireEvent] });
    }
    const end = start + played * mediaSeconds + (shape.seeks ? 2 : 0);
    beacons.push({ at: end, events: [ev(end, { type: 'attention-span', rawDataMap: { '0': 1 }, rawDataString: '0=1' }) as unknown as WireEvent] });
    out.push({ sessionId, start, beacons, top });
  }
  return out;
}

interface Sample {
  /** Simulated seconds. */
  at: number;
  waiting: number;
}

interface RunResult {
  store: Store;
  policy: Policy;
  viewers: number;
  accepted: number;
  delivered: number;
  superseded: number;
  expired: number;
  lost: number;
  duplicates: number;
  /** Events sent again because HubSpot answered their first copy after the timeout (a loaded machine). */
  duplicatesAfterTimeout: number;
  /** Whether an instance was killed (SIGKILL) and restarted at minute 8. */
  killed: boolean;
  /** HubSpot's answers to event requests, by status. */
  answers: Record<string, number>;
  /** Real-scale seconds, from a viewing's start to its media-played reaching HubSpot. */
  timeToPlayed: Percentiles;
  /** Real-scale seconds, from its highest quartile's beacon to HubSpot. */
  timeToTopQuartile: Percentiles;
  maxWaiting: number;
  /** Real-scale seconds from the blast's start until nothing waited. */
  drainedAfter: number;
  /** The most waiting in each minute (real scale), minute 0 first. */
  backlog: number[];
  chart: string;
}
interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  n: number;
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN);
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), n: s.length };
}
const round = (n: number) => Math.round(n * 10) / 10;

/** The most waiting in each simulated minute, minute 0 first. */
function perMinute(samples: Sample[]): number[] {
  const most: number[] = [];
  for (const s of samples) {
    const m = Math.floor(s.at / 60);
    while (most.length <= m) most.push(0);
    most[m] = Math.max(most[m], s.waiting);
  }
  return most;
}

/** The backlog as a text chart: a column per slice of the run, its height the most waiting then. */
function chart(samples: Sample[], columns = 60, rows = 6): string {
  if (samples.length === 0) return '';
  const end = samples[samples.length - 1].at;
  const cols = Array.from({ length: columns }, (_, c) => {
    const from = (c / columns) * end;
    const to = ((c + 1) / columns) * end;
    return Math.max(0, ...samples.filter((s) => s.at >= from && s.at < to).map((s) => s.waiting));
  });
  const max = Math.max(1, ...cols);
  const lines: string[] = [];
  for (let r = rows; r >= 1; r--) {
    const label = r === rows ? String(max).padStart(6) : r === 1 ? '0'.padStart(6) : ''.padStart(6);
    lines.push(`${label} |${cols.map((v) => (v / max) * rows >= r - 0.5 ? '█' : ' ').join('')}`);
  }
  lines.push(`${''.padStart(6)} +${'-'.repeat(columns)}`);
  lines.push(`${''.padStart(8)}0 min${`${Math.round(end / 60)} min (real scale)`.padStart(columns - 5)}`);
  return lines.join('\n');
}

async function run(store: Store, policy: Policy, people: Viewer[], redis: RedisServer | undefined, scratch: string): Promise<RunResult> {
  const hub = await startFakeHubSpot({ acceptTokens: [TOKEN], rollingLimit: limit, windowMs });
  const env: Record<string, string> = {
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_API_BASE: hub.url,
    HUBSPOT_RATE_LIMIT: String(limit),
    HUBSPOT_RATE_WINDOW_MS: String(windowMs),
    HUBSPOT_BACKLOG: policy,
    HUBSPOT_BACKLOG_AFTER_MS: String(Math.max(1, Math.round(30_000 / scale))),
    HUBSPOT_RETRY_BASE_MS: String(Math.max(1, Math.round(1_000 / scale))),
    HUBSPOT_TIMEOUT_MS: String(TIMEOUT_MS),
    CLIENT_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  };
  const queue = `sim-${policy}-${Date.now()}`;
  const proxies: ProxyProcess[] =
    store === 'redis'
      ? await Promise.all(Array.from({ length: INSTANCES }, () => startProxy({ ...env, REDIS_URL: redis!.url, MEDIA_BRIDGE_QUEUE: queue })))
      : [await startProxy({ ...env, MEDIA_BRIDGE_DATA_DIR: join(scratch, `${store}-${policy}`) })];
  const label = `${policy} on ${store === 'redis' ? `${INSTANCES} instances sharing Redis` : 'SQLite'}`;

  const beacons = people.flatMap((v) => v.beacons.map((b) => ({ ...b, viewer: v }))).sort((a, b) => a.at - b.at);
  const accepted = new Set<string>();
  /** When each event's beacon was accepted (real ms), by event key. */
  const postedAt = new Map<string, number>();
  const samples: Sample[] = [];
  const t0 = Date.now();
  const simNow = () => ((Date.now() - t0) * scale) / 1000;
  let next = 0;
  let failedPosts = 0;
  let lastProgress = 0;
  const kill = killIn === `${store}:${policy}`;
  let killed = false;
  let health: { outbox: { pending: number; deadLetters: number }; backlog: { superseded: number } } | undefined;

  const sampler = setInterval(() => {
    void fetch(`${proxies[0].url}/healthz`)
      .then((r) => r.json())
      .then((h) => {
        health = h;
        samples.push({ at: simNow(), waiting: h.outbox.pending });
      })
      .catch(() => {});
  }, Math.max(50, Math.round(5_000 / scale)));
  try {
    // The viewers' beacons, each at its time, to the instances in turn.
    const inFlight = new Set<Promise<void>>();
    while (next < beacons.length) {
      const now = simNow();
      while (next < beacons.length && beacons[next].at <= now) {
        const b = beacons[next];
        const target = proxies[next % proxies.length].url;
        next++;
        const events = b.events.map((e) => ({ ...e, at: undefined, occurredTimestamp: Date.now() }));
        const p = fetch(`${target}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ events }) })
          .then((res) => {
            if (res.status !== 202) return void failedPosts++;
            for (const e of events) {
              const key = eventKey(e as WireEvent);
              accepted.add(key);
              postedAt.set(key, Date.now());
            }
          })
          .catch(() => void failedPosts++)
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (kill && !killed && now >= KILL_AT_S) {
        // The last instance (the sampler reads the first) dies while forwarding, and comes back.
        killed = true;
        const victim = proxies.length - 1;
        proxies[victim].kill('SIGKILL');
        await proxies[victim].exited;
        log(`  ${label}: killed instance ${victim + 1} (SIGKILL) at minute ${Math.floor(now / 60)}; restarting it`);
        proxies[victim] = await startProxy(store === 'redis' ? { ...env, REDIS_URL: redis!.url, MEDIA_BRIDGE_QUEUE: queue } : { ...env, MEDIA_BRIDGE_DATA_DIR: join(scratch, `${store}-${policy}`) });
      }
      if (Date.now() - lastProgress > 5_000) {
        lastProgress = Date.now();
        log(`  ${label}: minute ${Math.floor(now / 60)} of ${HOUR_S / 60}, ${accepted.size} accepted, ${hub.delivered().length} delivered, ${health?.outbox.pending ?? '?'} waiting`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    // Then until HubSpot has every accepted event, or it was dropped as superseded.
    const settled = () => {
      const got = new Set(hub.delivered().map((r) => deliveryKey(r.path, r.json ?? {})));
      return got.size + (health?.backlog.superseded ?? 0) + (health?.outbox.deadLetters ?? 0) >= accepted.size && health?.outbox.pending === 0;
    };
    await hub.waitFor(
      () => {
        if (Date.now() - lastProgress > 5_000) {
          lastProgress = Date.now();
          log(`  ${label}: draining, minute ${Math.floor(simNow() / 60)}, ${hub.delivered().length}/${accepted.size} delivered, ${health?.outbox.pending ?? '?'} waiting`);
        }
        return settled();
      },
      (30 * 60_000) / scale + 120_000,
      `${label}: every accepted event delivered or dropped`,
    );
  } finally {
    clearInterval(sampler);
    if (process.env.SIMULATE_DEBUG) for (const p of proxies) log(p.lines.slice(-20).join('\n'));
    for (const p of proxies) p.kill('SIGTERM');
    await Promise.all(proxies.map((p) => p.exited));
    await hub.close();
  }

  // What reached HubSpot, first copy of each.
  const firstAt = new Map<string, number>();
  const slowFirst = new Set<string>();
  let duplicates = 0;
  let duplicatesAfterTimeout = 0;
  for (const r of hub.delivered()) {
    const key = deliveryKey(r.path, r.json ?? {});
    if (firstAt.has(key)) {
      // HubSpot took the first copy, but answered after the proxy's timeout: the proxy could
      // not know, and sent it again (at least once, as HubSpot's own retries would).
      if (slowFirst.has(key)) duplicatesAfterTimeout++;
      else duplicates++;
    } else {
      firstAt.set(key, r.receivedAt);
      if ((r.answeredAt ?? r.receivedAt) - r.receivedAt >= TIMEOUT_MS) slowFirst.add(key);
    }
  }
  const real = (ms: number) => (ms * scale) / 1000;
  const toPlayed: number[] = [];
  const toTop: number[] = [];
  for (const v of people) {
    const playedKey = `${v.sessionId}|media-played|STARTED`;
    const posted = postedAt.get(playedKey);
    const got = firstAt.get(playedKey);
    if (posted !== undefined && got !== undefined) toPlayed.push(real(got - (posted - 0)));
    if (v.top !== undefined) {
      const key = `${v.sessionId}|media-played-percent|${v.top}`;
      const from = postedAt.get(key);
      const at = firstAt.get(key);
      if (from !== undefined && at !== undefined) toTop.push(real(at - from));
    }
  }
  const answers: Record<string, number> = {};
  for (const r of hub.eventRequests()) answers[String(r.answer)] = (answers[String(r.answer)] ?? 0) + 1;
  const superseded = health?.backlog.superseded ?? 0;
  const expired = health?.outbox.deadLetters ?? 0;
  const delivered = [...accepted].filter((k) => firstAt.has(k)).length;
  const lastWaiting = [...samples].reverse().find((s) => s.waiting > 0);
  return {
    store,
    policy,
    viewers: people.length,
    accepted: accepted.size,
    delivered,
    superseded,
    expired,
    lost: accepted.size - delivered - superseded - expired,
    duplicates,
    duplicatesAfterTimeout,
    killed,
    answers,
    timeToPlayed: percentiles(toPlayed),
    timeToTopQuartile: percentiles(toTop),
    maxWaiting: Math.max(0, ...samples.map((s) => s.waiting)),
    drainedAfter: Math.round(lastWaiting?.at ?? 0),
    backlog: perMinute(samples),
    chart: chart(samples),
  };
}

/**
 * HubSpot's burst limits per tier (developers.hubspot.com/changelog/increasing-our-api-limits),
 * and the proxy's default headroom: 90% of the limit (its default of 90 for 100).
 */
const TIERS = [
  { tier: 'Free, Starter', limit: 100 },
  { tier: 'Professional, Enterprise', limit: 190 },
  { tier: 'API Limit Increase pack', limit: 250 },
];
const HEADROOM = 0.9;
/** A slot comes back one window plus the rate bucket's 250 ms margin after its request ends. */
const SLOT_SECONDS = 10.25;

/** Events per viewing of the scenario's sessions, as sent, and with every superseded quartile dropped. */
function eventsPerViewing(list: Viewer[]) {
  const all = list.reduce((n, v) => n + v.beacons.reduce((m, b) => m + b.events.length, 0), 0) / list.length;
  const coalesced = list.reduce((n, v) => n + 2 + (v.top !== undefined ? 1 : 0), 0) / list.length;
  return { all: round2(all), coalesced: round2(coalesced) };
}
const round2 = (n: number) => Math.round(n * 100) / 100;

function capacity(list: Viewer[]) {
  const per = eventsPerViewing(list);
  return TIERS.map(({ tier, limit }) => {
    const rateLimit = Math.floor(limit * HEADROOM);
    const perHour = (rateLimit / SLOT_SECONDS) * 3_600;
    return { tier, hubspotLimit: limit, rateLimit, viewingsPerHour: Math.floor(perHour / per.all / 10) * 10, viewingsPerHourCoalesced: Math.floor(perHour / per.coalesced / 10) * 10 };
  });
}

function capacityTable(): string {
  const per = eventsPerViewing(people);
  return [
    `Capacity: viewings per hour a portal sustains (${per.all} events per viewing, ${per.coalesced} with every superseded quartile dropped):`,
    '',
    '| HubSpot tier | limit per 10 s | HUBSPOT_RATE_LIMIT (90%) | viewings per hour | with HUBSPOT_BACKLOG=coalesce |',
    '|---|---|---|---|---|',
    ...capacity(people).map((c) => `| ${c.tier} | ${c.hubspotLimit} | ${c.rateLimit} | ${c.viewingsPerHour.toLocaleString('en')} | ${c.viewingsPerHourCoalesced.toLocaleString('en')} |`),
  ].join('\n');
}

const people = scenario();
const events = people.reduce((n, v) => n + v.beacons.reduce((m, b) => m + b.events.length, 0), 0);
log(
  `simulate: ${viewers} viewers standing for ${REAL_VIEWERS} (half in the first 10 minutes), ${events} events (${(events / viewers).toFixed(2)} per viewing), ` +
    `a ${mediaSeconds} s recording; limit ${limit} per ${windowMs} ms (${REAL_LIMIT} per 10 s at real scale), time ×${scale}`,
);
log(`simulate: session shapes: ${SHAPES.map((s) => `${Math.round(s.share * 100)}% ${s.name}`).join(', ')}`);

const scratch = mkdtempSync(join(tmpdir(), 'mbt-simulate-'));
let redis: RedisServer | undefined;
const results: RunResult[] = [];
try {
  if (stores.includes('redis')) redis = await startRedis();
  for (const store of stores) {
    for (const policy of policies) {
      log(`simulate: ${policy} on ${store}…`);
      const r = await run(store, policy, people, redis, scratch);
      results.push(r);
      log(`  media-played p50/p90/p99 ${r.timeToPlayed.p50}/${r.timeToPlayed.p90}/${r.timeToPlayed.p99} s; highest quartile ${r.timeToTopQuartile.p50}/${r.timeToTopQuartile.p90}/${r.timeToTopQuartile.p99} s; lost ${r.lost}, twice ${r.duplicates} (+${r.duplicatesAfterTimeout} after a timeout); answers ${JSON.stringify(r.answers)}`);
    }
  }
} finally {
  await redis?.stop();
  rmSync(scratch, { recursive: true, force: true });
}

// The report.
const out: string[] = [];
out.push(`# The blast of issue 17, simulated`, '');
out.push(`${viewers} viewers for ${REAL_VIEWERS}, half in the first 10 minutes; ${(events / viewers).toFixed(2)} events per viewing; HubSpot at ${REAL_LIMIT} per 10 s; times at real scale (×${scale} compressed).`, '');
out.push('| store | policy | media-played p50 / p90 / p99 (s) | highest quartile p50 / p90 / p99 (s) | most waiting | last waiting at (min) | superseded | expired | lost | sent twice (after a timeout) |');
out.push('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  out.push(
    `| ${r.store}${r.killed ? ' (an instance killed at minute 8)' : ''} | ${r.policy} | ${r.timeToPlayed.p50} / ${r.timeToPlayed.p90} / ${r.timeToPlayed.p99} | ${r.timeToTopQuartile.p50} / ${r.timeToTopQuartile.p90} / ${r.timeToTopQuartile.p99} | ${r.maxWaiting} | ${(r.drainedAfter / 60).toFixed(1)} | ${r.superseded} | ${r.expired} | ${r.lost} | ${r.duplicates} (${r.duplicatesAfterTimeout}) |`,
  );
}
for (const r of results) out.push('', `Waiting events, ${r.policy} on ${r.store}:`, '', '```', r.chart, '```');
out.push('', capacityTable());
console.log(out.join('\n'));

let failed = false;
for (const r of results) {
  // Only what was in flight at a kill may reach HubSpot twice.
  if (r.lost > 0 || r.duplicates > (r.killed ? MAX_IN_FLIGHT : 0)) {
    failed = true;
    log(`  FAIL ${r.policy} on ${r.store}: ${r.lost} accepted events lost, ${r.duplicates} sent twice${r.killed ? ` (at most ${MAX_IN_FLIGHT} may, after a kill)` : ''}`);
  }
  if (r.policy === 'priority' && !smoke && !(r.timeToPlayed.p99 < 60)) {
    failed = true;
    log(`  FAIL ${r.policy} on ${r.store}: p99 time to media-played ${r.timeToPlayed.p99} s, not under 60 s`);
  }
}

if (write) {
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  // Runs of the same scenario not run this time are kept (`--stores`, `--policies` run part of it).
  const scenarioKey = { viewers, standsFor: REAL_VIEWERS, scale, mediaSeconds, seed, limit, windowMs, events, eventsPerViewing: round(events / viewers), shapes: SHAPES };
  const before = previous.simulate as { scenario?: unknown; runs?: Array<Omit<RunResult, 'chart'>> } | undefined;
  const kept = before && JSON.stringify(before.scenario) === JSON.stringify(scenarioKey) ? (before.runs ?? []).filter((r) => !results.some((n) => n.store === r.store && n.policy === r.policy)) : [];
  previous.simulate = {
    date: new Date().toISOString(),
    smoke,
    scenario: scenarioKey,
    runs: [...kept, ...results.map(({ chart: _chart, ...r }) => r)],
    eventsPerViewing: eventsPerViewing(people),
    capacity: capacity(people),
  };
  writeFileSync(resultsFile, `${JSON.stringify(previous, null, 2)}\n`);
  log(`simulate: figures written to ${resultsFile} (key "simulate")`);
}
process.exit(failed ? 1 : 0);
