/**
 * `GET /healthz` and `GET /metrics`. While the store is down (Redis unreachable) /healthz
 * answers 503 with the store's state, and /metrics still answers with the counters.
 */
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../store/outbox.js';
import { JSON_HEADERS, reply, type ProxyReply } from './reply.js';

const METRICS_HEADERS = { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' };

export interface StatusSources {
  outbox: Outbox;
  metrics: Metrics;
  log: Logger;
  health(): Promise<unknown>;
  renderMetrics(): Promise<string>;
}

export function statusRoutes(s: StatusSources): (kind: 'health' | 'metrics', method: string) => Promise<ProxyReply> {
  return async function serve(kind, method) {
    if (method !== 'GET') return reply(405, { error: 'use GET' }, { allow: 'GET' });
    try {
      if (kind === 'health') return reply(200, await s.health());
      return { status: 200, headers: METRICS_HEADERS, body: await s.renderMetrics() };
    } catch (error) {
      const store = s.outbox.connection?.();
      // With a store down (Redis unreachable) the store's own log line says so, once.
      if (!store || store.state === 'ready') s.log.error(`answering ${kind} failed`, { error: String(error) });
      if (kind === 'metrics' && store) {
        // Still scrapeable: the counters, and that the store is not connected.
        return { status: 200, headers: METRICS_HEADERS, body: s.metrics.render() };
      }
      return reply(503, { ok: false, error: 'the outbox is unavailable', ...(store ? { store } : {}) });
    }
  };
}
