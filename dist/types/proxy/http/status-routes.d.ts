/**
 * `GET /healthz` and `GET /metrics`. While the store is down (Redis unreachable) /healthz
 * answers 503 with the store's state, and /metrics still answers with the counters.
 */
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../store/outbox.js';
import { type ProxyReply } from './reply.js';
export interface StatusSources {
    outbox: Outbox;
    metrics: Metrics;
    log: Logger;
    health(): Promise<unknown>;
    renderMetrics(): Promise<string>;
}
export declare function statusRoutes(s: StatusSources): (kind: 'health' | 'metrics', method: string) => Promise<ProxyReply>;
