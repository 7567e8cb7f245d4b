/**
 * /healthz and /metrics report the backlog: what waits by type, the age of the oldest, the
 * send rate and the projected drain; and the drain warning is logged once each way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backlogReport, DrainWatch } from '../../src/proxy/backlog-report.js';
import { createMediaBridgeProxy, type MediaBridgeProxy } from '../../src/proxy/core.js';
import { createFetchHandler } from '../../src/proxy/http/fetch-handler.js';
import { silentLogger, type Logger } from '../../src/proxy/log.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import { played, quartile } from './proxy-process.js';

const BASE = 'https://media.example.com';
const proxies: MediaBridgeProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
});

describe('/healthz and /metrics under backlog', () => {
  it('show waiting events by type, the oldest one’s age, the send rate and the projected drain', async () => {
    const t0 = Date.now();
    let clock = t0;
    const sent: string[] = [];
    const proxy = createMediaBridgeProxy({
      logger: silentLogger,
      now: () => clock,
      forward: false,
      outbox: new MemoryOutbox({ backlog: { mode: 'coalesce', afterMs: 30_000 } }),
      hubspot: {
        accessToken: 'pat-na1-test',
        rateLimit: 2,
        fetch: async (url) => {
          sent.push(String(url));
          return new Response(null, { status: 204 });
        },
      },
    });
    proxies.push(proxy);
    const handler = createFetchHandler(proxy);
    const events = [played('p1', 's1'), quartile('q1', 's1', 25), quartile('q2', 's1', 50), played('p2', 's2'), quartile('q3', 's2', 25)];
    const res = await handler(new Request(`${BASE}/media-events`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: BASE }, body: JSON.stringify({ events }) }));
    expect(res.status).toBe(202);

    // Two go (the rate limit), both media-played; the other three wait 40 s.
    await proxy.forwardPending();
    expect(sent).toHaveLength(2);
    clock = t0 + 40_000;
    const health = await (await handler(new Request(`${BASE}/healthz`))).json();
    expect(health.backlog).toEqual({
      policy: 'coalesce',
      afterSeconds: 30,
      active: true,
      waiting: { 'media-played-percent': 3 },
      oldestAgeSeconds: 40,
      sendRatePerSecond: 0.05,
      drainSeconds: 60,
      superseded: 0,
    });
    const metrics = await (await handler(new Request(`${BASE}/metrics`))).text();
    expect(metrics).toContain('media_bridge_outbox_waiting{type="media-played-percent"} 3');
    expect(metrics).toContain('media_bridge_outbox_waiting{type="media-played"} 0');
    expect(metrics).toContain('media_bridge_outbox_backlog 1');
    expect(metrics).toContain('media_bridge_send_rate_per_second 0.05');
    expect(metrics).toContain('media_bridge_outbox_drain_seconds 60');
    expect(metrics).toContain('media_bridge_outbox_oldest_pending_age_seconds 40');

    // Under backlog: the two top quartiles go; then s1's 25% (below its 50%) is dropped, and counted.
    clock = t0 + 60_000;
    await proxy.forwardPending();
    expect(sent).toHaveLength(4);
    clock = t0 + 80_000;
    await proxy.forwardPending();
    expect(sent).toHaveLength(4);
    const after = await proxy.health();
    expect(after.backlog.superseded).toBe(1);
    expect(await proxy.metrics()).toContain('media_bridge_events_superseded_total 1');
  });

  it('projects no drain while nothing is delivered, and none is needed when nothing waits', () => {
    expect(backlogReport({ pending: 10, oldestPendingAt: 0, dead: 0 }, 1_000, undefined)).toMatchObject({ drainSeconds: null, sendRatePerSecond: 0, active: false });
    expect(backlogReport({ pending: 0, dead: 0, delivered: { count: 90, since: 0 } }, 10_000, undefined)).toMatchObject({ drainSeconds: 0, sendRatePerSecond: 9 });
  });
});

describe('DrainWatch', () => {
  it('warns once when the projected drain passes 15 minutes, and says once when it is back under', () => {
    const lines: string[] = [];
    const log: Logger = { debug() {}, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error() {} };
    const watch = new DrainWatch(log);
    const at = (pending: number) => backlogReport({ pending, oldestPendingAt: 0, dead: 0, delivered: { count: 540, since: 0 } }, 60_000, undefined);
    for (const pending of [100, 9_000, 20_000, 9_000, null, 8_000, 100]) {
      if (pending === null) watch.observe(backlogReport({ pending: 5, oldestPendingAt: 0, dead: 0 }, 60_000, undefined));
      else watch.observe(at(pending));
    }
    expect(lines).toEqual([
      'warn backlog: the queue will take over 15 minutes to drain at the current send rate (see docs/capacity.md)',
      'info backlog: the projected drain is back under 15 minutes',
    ]);
  });
});
