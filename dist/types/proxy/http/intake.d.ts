/**
 * The HTTP intake: `POST /media-events` (and its preflight) from the origin check to the
 * stored events and the 202. Every refusal is a precise 4xx, counted, told to the listeners
 * and logged (at most REJECTION_LOGS_PER_SECOND lines a second); a store that fails is a 503.
 */
import { type WireEvent } from '../../wire.js';
import type { Listeners } from '../listeners.js';
import { type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../store/outbox.js';
import { type ProxyReply, type ProxyRequest } from './reply.js';
import { type ValidationOptions } from './validate.js';
export interface IntakeOptions {
    outbox: Outbox;
    /** Origins allowed to post; `*` for any; empty: same origin only. */
    allowedOrigins?: readonly string[];
    /** Proxies in front whose X-Forwarded-For (and -Host) to trust. */
    hops: number;
    /** Ingest requests per minute per client IP; 0 turns it off. */
    clientRateLimit: number;
    validation?: ValidationOptions;
    metrics: Metrics;
    listeners: Listeners;
    onListenerError: (error: unknown) => void;
    log: Logger;
    now: () => number;
    /** After a request's events were stored: the events, and which of them were new. */
    onStored(events: readonly WireEvent[], fresh: readonly boolean[], stored: number): void;
}
/** The handler of the events route. */
export declare function createIntake(o: IntakeOptions): (req: ProxyRequest) => Promise<ProxyReply>;
