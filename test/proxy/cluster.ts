/**
 * Several real `media-bridge-proxy` processes on one Redis queue, for the cluster tests and
 * the benchmark: starting them, spreading beacons over them, and reading what HubSpot (the
 * fake) got. Free of vitest.
 */
import { maxInWindow, type FakeHubSpot, type RecordedRequest } from './fake-hubspot.js';
import { played, quartile, startProxy, type ProxyProcess } from './proxy-process.js';

export const CLUSTER_TOKEN = 'pat-na1-cluster-0000-1111-2222-333333333333';

/** The environment every instance of a cluster shares. */
export function clusterEnv(redisUrl: string, queue: string, hub: FakeHubSpot, rateLimit: number, extra: Record<string, string> = {}) {
  return {
    REDIS_URL: redisUrl,
    MEDIA_BRIDGE_QUEUE: queue,
    HUBSPOT_ACCESS_TOKEN: CLUSTER_TOKEN,
    HUBSPOT_API_BASE: hub.url,
    HUBSPOT_RATE_LIMIT: String(rateLimit),
    // Long enough that a loaded machine's slow answer is not a timeout: a request timed out
    // is sent again, and its first copy may still have reached HubSpot (a duplicate).
    HUBSPOT_TIMEOUT_MS: '10000',
    HUBSPOT_RETRY_BASE_MS: '200',
    CLIENT_RATE_LIMIT: '0',
    ...extra,
  };
}

export async function startCluster(count: number, env: Record<string, string>): Promise<ProxyProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startProxy(env)));
}

/** One session's events: its media-played and two quartiles, named by `mediaName` = id. */
export function session(prefix: string, i: number) {
  const s = `${prefix}-s${i}`;
  return { id: s, played: played(`${s}-p`, s), quartiles: [quartile(`${s}-q25`, s, 25), quartile(`${s}-q50`, s, 50)] };
}

/** POSTs a beacon; the ids it stored, or none when it was not answered 202. */
export async function beacon(url: string, events: Array<{ id: string }>): Promise<{ status: number; ids: string[] }> {
  try {
    const res = await fetch(`${url}/media-events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ events }),
    });
    await res.text();
    return { status: res.status, ids: res.status === 202 ? events.map((e) => e.id) : [] };
  } catch {
    return { status: 0, ids: [] }; // the instance is gone: not accepted, so not owed
  }
}

/** Delivered copies per event id (the fake records `mediaName`, which the tests set to the id). */
export function copies(hub: FakeHubSpot): Map<string, RecordedRequest[]> {
  const out = new Map<string, RecordedRequest[]>();
  for (const r of hub.delivered()) {
    const id = String(r.json?.mediaName);
    out.set(id, [...(out.get(id) ?? []), r]);
  }
  return out;
}

/**
 * How much of the limit was used while a backlog waited. Under a rolling limit the fastest
 * a sender can go is the limit at once, then the limit again every window. So the request
 * that opens the k-th round of `limit` requests can come, at the soonest, k - 1 windows
 * after the first: the share of that least time over the time it took is the share of the
 * limit used (rounds spread out alike, so the spread of the first does not count). A sender
 * that keeps every slot busy scores about 10 / 10.25: a slot comes back a window and a
 * margin after its request completes. Needs more requests than the limit.
 */
export function useOfLimit(times: number[], limit: number, windowMs = 10_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  const rounds = Math.ceil(sorted.length / limit) - 1;
  if (rounds < 1) return NaN;
  return (rounds * windowMs) / (sorted[rounds * limit] - sorted[0]);
}

export { maxInWindow };
