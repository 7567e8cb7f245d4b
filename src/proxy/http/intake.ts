/**
 * The HTTP intake: `POST /media-events` (and its preflight) from the origin check to the
 * stored events and the 202. Every refusal is a precise 4xx, counted, told to the listeners
 * and logged (at most REJECTION_LOGS_PER_SECOND lines a second); a store that fails is a 503.
 */
import { MAX_BODY_BYTES, type WireEvent } from '../../wire.js';
import type { Listeners } from '../listeners.js';
import { Outage, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../store/outbox.js';
import { ClientLimiter, clientIp } from './client-limit.js';
import { corsHeaders, originAllowed, originPolicy, preflightHeaders } from './origin.js';
import { parseBody } from './parse-body.js';
import { reply, type ProxyReply, type ProxyRequest } from './reply.js';
import { validateBody, type Problem, type ValidationOptions } from './validate.js';

/** Rejections logged per second at most; the metrics count all of them. */
const REJECTION_LOGS_PER_SECOND = 20;

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
export function createIntake(o: IntakeOptions): (req: ProxyRequest) => Promise<ProxyReply> {
  const { outbox, hops, metrics, listeners, onListenerError, log, now } = o;
  const policy = originPolicy(o.allowedOrigins);
  const limiter = new ClientLimiter({ perMinute: o.clientRateLimit });
  const storing = new Outage(log, 'storing events', now);
  let rejectionLogs = { second: 0, count: 0 };

  function reject(status: number, reason: string, message: string, headers: Record<string, string>, problems?: Problem[]): ProxyReply {
    metrics.inc('media_bridge_requests_rejected_total', { reason });
    if (listeners.has('rejected')) listeners.emit('rejected', { status, reason, problems }, onListenerError);
    const second = Math.floor(now() / 1000);
    if (rejectionLogs.second !== second) rejectionLogs = { second, count: 0 };
    if (++rejectionLogs.count <= REJECTION_LOGS_PER_SECOND) {
      log.info('rejected a request', { status, reason, problems: problems?.slice(0, 5) });
    }
    return reply(status, problems ? { error: message, problems } : { error: message }, headers);
  }

  /** Stores what is valid; answers 202, or 503 when the store fails. */
  async function store(events: WireEvent[], text: string | undefined, at: number, cors: Record<string, string>): Promise<ProxyReply> {
    let fresh: boolean[];
    try {
      fresh = await outbox.add(events, at, text);
      storing.ok();
    } catch (error) {
      storing.fail(error);
      return reply(503, { error: 'the events could not be stored; try again' }, { ...cors, 'retry-after': '5' });
    }
    let stored = 0;
    for (let i = 0; i < fresh.length; i++) {
      if (!fresh[i]) continue;
      stored++;
      if (listeners.has('accepted')) {
        const e = events[i];
        listeners.emit('accepted', { id: e.id, type: e.type, sessionId: e.sessionId, event: e, acceptedAt: at }, onListenerError);
      }
    }
    metrics.inc('media_bridge_events_accepted_total', undefined, stored);
    const duplicates = fresh.length - stored;
    if (duplicates) metrics.inc('media_bridge_events_duplicate_total', undefined, duplicates);
    o.onStored(events, fresh, stored);
    return reply(202, duplicates ? { accepted: fresh.length, duplicates } : { accepted: fresh.length }, cors);
  }

  return async function ingest(req) {
    const origin = req.header('origin');
    const host = (hops > 0 && req.header('x-forwarded-host')) || req.header('host');
    if (!originAllowed(policy, origin, host)) {
      return reject(403, 'origin', 'this origin may not post events here', { vary: 'Origin' });
    }
    const cors = corsHeaders(origin);
    if (req.method === 'OPTIONS') {
      return { status: 204, headers: origin ? preflightHeaders(origin) : { allow: 'POST, OPTIONS' }, body: '' };
    }
    if (req.method !== 'POST') return reply(405, { error: 'use POST' }, { ...cors, allow: 'POST, OPTIONS' });
    if (!acceptableType(req.header('content-type'))) {
      return reject(415, 'content_type', 'send the body as text/plain or application/json (UTF-8)', cors);
    }
    const wait = limiter.check(clientIp(req.peer, req.header('x-forwarded-for'), hops), now());
    if (wait > 0) return reject(429, 'client_rate_limit', 'too many requests from this address', { ...cors, 'retry-after': String(wait) });

    const text = await req.readBody(MAX_BODY_BYTES);
    if (text === null) {
      return reject(413, 'body_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`, cors);
    }
    const parsed = parseBody(text);
    if (!parsed.ok) return reject(400, parsed.code, parsed.message, cors);
    const events = (parsed.value as { events?: unknown } | null)?.events;
    if (Array.isArray(events)) metrics.inc('media_bridge_events_received_total', undefined, events.length);
    const at = now();
    const checked = validateBody(parsed.value, at, o.validation);
    if (!checked.ok) return reject(400, checked.problems[0].code, 'invalid events', cors, checked.problems);
    if (checked.shortened) metrics.inc('media_bridge_fields_shortened_total', undefined, checked.shortened);
    // The body's text is stored as is, unless validation shortened a field of it.
    return store(checked.events, checked.shortened ? undefined : text, at, cors);
  };
}

/** text/plain or application/json, in UTF-8 if a charset is named. */
function acceptableType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(';');
  const mime = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (mime !== 'text/plain' && mime !== 'application/json') return false;
  if (semi < 0) return true;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType.slice(semi));
  return !charset || /^utf-?8$/i.test(charset[1]);
}
