/**
 * kill -9 under load, then a restart on the same data dir: every event answered 202 is
 * delivered; an event is delivered twice only if it was in flight to HubSpot at the kill;
 * and the rate limit holds across the restart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { maxInWindow, startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, quartile, startProxy, type ProxyProcess } from './proxy-process.js';
import { tempDataDir } from './temp-dirs.js';

const TOKEN = 'pat-na1-kill-9999-0000-1111-222222222222';
const RATE_LIMIT = 100;
const MAX_IN_FLIGHT = 8; // the proxy's default

let fake: FakeHubSpot;
const procs: ProxyProcess[] = [];

afterAll(async () => {
  for (const p of procs) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await fake?.close();
});

/**
 * Clients posting a media-played and a quartile per session, each one request per `paceMs`,
 * until `maxRequests` in all, or the proxy dies. (The pace shapes the load so the backlog
 * drains within the test's time; it waits for nothing.)
 */
function load(url: string, clients: number, prefix: string, maxRequests: number, paceMs: number) {
  const accepted: string[] = [];
  let requests = 0;
  const run = async (c: number) => {
    for (let i = 0; requests < maxRequests; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, paceMs));
      requests++;
      const session = `${prefix}-${c}-${i}`;
      try {
        const res = await post(url, [played(`${session}-p`, session), quartile(`${session}-q`, session, 25)], {
          'x-forwarded-for': `10.2.0.${c}`,
        });
        if (res.status === 202) accepted.push(`${session}-p`, `${session}-q`);
      } catch {
        return; // the proxy is gone: this request's fate is unknown, so it is not counted
      }
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, c) => run(c)));
  return { accepted, done, sent: () => requests };
}

describe('SIGKILL under load, then restart', () => {
  it('delivers every accepted event; duplicates only for requests in flight at the kill; the limit holds', async () => {
    // Half of HubSpot's answers are slow, so requests are in flight when the kill comes.
    fake = await startFakeHubSpot({ acceptTokens: [TOKEN], ratios: { slow: { ratio: 0.5, ms: 300 } }, seed: 9 });
    const dir = tempDataDir();
    const env = {
      HUBSPOT_ACCESS_TOKEN: TOKEN,
      HUBSPOT_API_BASE: fake.url,
      HUBSPOT_RATE_LIMIT: String(RATE_LIMIT),
      HUBSPOT_TIMEOUT_MS: '2000',
      TRUST_PROXY: '1',
      MEDIA_BRIDGE_DATA_DIR: dir,
    };
    const first = await startProxy(env);
    procs.push(first);

    const before = load(first.url, 20, 'a', 1000, 500);
    // Kill while clients are posting, and once the first proxy has used most of its 10 s
    // window: a restart that forgot those sends would blow through the limit at once.
    await waitFor(() => fake.eventRequests().length >= RATE_LIMIT * 0.8, 30_000, 'forwarding to use most of a window');
    expect(before.sent()).toBeLessThan(1000);
    first.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    await before.done;

    // The first proxy is gone: from here on only the second one sends.
    const restartedAt = Date.now();
    const second = await startProxy(env);
    procs.push(second);
    const after = load(second.url, 10, 'b', 20, 0);
    await after.done;

    const accepted = [...before.accepted, ...after.accepted];
    const delivered = () => new Set(fake.delivered().map((r) => String(r.json?.mediaName)));
    await waitFor(() => accepted.every((id) => delivered().has(id)), 110_000, 'every accepted event to be delivered');

    // Duplicates: only events whose first copy the killed proxy sent (a request in flight at the
    // kill may be read by the fake a moment after it, but before the restart) and had not
    // settled by then. At most MAX_IN_FLIGHT requests are unsettled at any moment, so
    // that bounds them; each was sent exactly once more, by the restarted proxy.
    const copies = new Map<string, typeof fake.requests>();
    for (const r of fake.delivered()) {
      const id = String(r.json?.mediaName);
      copies.set(id, [...(copies.get(id) ?? []), r]);
    }
    const duplicated = [...copies].filter(([, rs]) => rs.length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    for (const [id, [firstCopy, ...rest]] of duplicated) {
      expect(firstCopy.receivedAt, id).toBeLessThanOrEqual(restartedAt);
      expect(rest).toHaveLength(1);
      expect(rest[0].receivedAt, id).toBeGreaterThan(killedAt);
    }

    // The rate limit held across the restart, by when HubSpot received each request...
    const times = fake.eventRequests().map((r) => r.receivedAt);
    expect(maxInWindow(times)).toBeLessThanOrEqual(RATE_LIMIT);
    // ...which was put to the test: the restarted proxy had more than the rest of the window to send.
    expect(times.filter((t) => t > killedAt).length).toBeGreaterThan(RATE_LIMIT * 0.5);
  }, 150_000);
});
