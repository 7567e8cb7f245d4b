/**
 * The proxy itself, independent of any runtime: a request-ish object in, a status, headers
 * and body out. The Fetch handler, the node:http adapter and the Express middleware are thin
 * shells around `handle`.
 */
import { MAX_BODY_BYTES } from '../wire.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type UpstreamError, type UpstreamResult } from './upstream/backoff.js';
import { ClientLimiter, clientIp } from './http/client-limit.js';
import { Forwarder, type ForwardOutcome } from './upstream/forwarder.js';
import { DEFAULT_API_BASE, DEFAULT_TIMEOUT_MS, type FetchLike } from './upstream/hubspot-client.js';
import { Listeners, type EventNotice, type Listener, type ProxyEventName, type UpstreamOutcome } from './listeners.js';
import { createLogger, Outage, type Logger, type LogLevel } from './log.js';
import { Metrics } from './metrics.js';
import { backlogReport, DrainWatch, type BacklogReport } from './backlog-report.js';
import { oauthToken, staticToken, type OAuthTokenStore, type TokenSource } from './upstream/oauth.js';
import { corsHeaders, originAllowed, originPolicy, preflightHeaders } from './http/origin.js';
import { MemoryOutbox } from './store/memory-outbox.js';
import { MemoryPortalStore } from './store/memory-portal.js';
import { isPortalStore } from './store/portal-store.js';
import { LocalTokenStore } from './store/local-tokens.js';
import type { Outbox, OutboxEvent, StoreConnection } from './store/outbox.js';
import { parseBody } from './http/parse-body.js';
import { LocalGate } from './upstream/gate.js';
import { MediaCatalog, type CatalogHealth } from './upstream/media-catalog.js';
import { sharedLimit } from './upstream/shared-limit.js';
import { validateBody, type Problem, type ValidationOptions } from './http/validate.js';

/** The request, as much of it as the proxy needs. */
export interface ProxyRequest {
  method: string;
  /** The path, without the query string. */
  path: string;
  /** A header by lower-case name. */
  header(name: string): string | undefined;
  /** The socket peer's address, when the runtime knows it. */
  peer?: string;
  /** Reads the body as UTF-8 text; resolves null as soon as it exceeds `limit` bytes. */
  readBody(limit: number): Promise<string | null>;
}

/** The answer. */
export interface ProxyReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How to reach HubSpot. Without `accessToken`, `oauth` or `tokens`, the proxy runs dry. */
export interface HubSpotOptions {
  /** A private app's (or other static) access token. */
  accessToken?: string;
  /** OAuth: refreshed before it expires and once on a 401; a rotated refresh token is kept in the outbox's store. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  /** Any other token source. */
  tokens?: TokenSource;
  /** Upstream base URL. Default https://api.hubapi.com. */
  apiBase?: string;
  /** Requests per 10 s toward HubSpot. Default 90. */
  rateLimit?: number;
  /** The window `rateLimit` counts in, ms. Default 10,000 (HubSpot's); shorter only to play time faster (`npm run simulate`). */
  rateWindowMs?: number;
  /** Per-request timeout, ms. Default 10,000. */
  timeoutMs?: number;
  /** Most requests in flight at once. Default 8. */
  maxInFlight?: number;
  /** Retry and backoff knobs. */
  retry?: Partial<RetryPolicy>;
  /** The fetch used upstream. Default the global fetch. */
  fetch?: FetchLike;
}

export interface ProxyOptions {
  /** HubSpot; leave the credentials out to run dry (validate and store, send nothing). */
  hubspot?: HubSpotOptions;
  /** Where events wait. Default a MemoryOutbox, which is not durable. */
  outbox?: Outbox;
  /** Origins allowed to post; `*` for any. Default empty: same origin only. */
  allowedOrigins?: readonly string[];
  /** Proxies in front of this one whose X-Forwarded-For (and -Host) to trust: true = 1. Default 0. */
  trustProxy?: boolean | number;
  /** Ingest requests per minute per client IP; 0 turns it off. Default 600. */
  clientRateLimit?: number;
  /** Validation knobs. */
  validation?: ValidationOptions;
  /** Route paths; false turns a route off. Defaults /media-events, /healthz, /metrics. */
  paths?: { events?: string; health?: string | false; metrics?: string | false };
  /** Forward in the background. Default true (when not dry). Off: call `forwardPending()`. */
  forward?: boolean;
  /** Default: JSON lines on the console, at `logLevel`, with the credentials scrubbed. */
  logger?: Logger;
  /** Level of the default logger. Default info. */
  logLevel?: LogLevel;
  /**
   * `create`: keep a catalog of the portal's media objects, create each missing one before
   * its media's first event goes, and give events its `mediaBridgeId`. Default `off`.
   */
  mediaObjects?: 'off' | 'create';
  /** How long a new media's events wait for its object, from the first of them. Default 5,000 ms. */
  mediaObjectWaitMs?: number;
  /** How old a media type's listing may be before it is read again. Default 24 h. */
  mediaCatalogRefreshMs?: number;
  /** The clock. Default Date.now. */
  now?: () => number;
}

/** The /healthz answer. */
export interface Health {
  ok: boolean;
  dryRun: boolean;
  /** A store on a server of its own (Redis): which queue, and this instance's connection to it. */
  store?: StoreConnection;
  /** The outbox; with a shared store, the queue of every instance on it. */
  outbox: { pending: number; oldestPendingAgeSeconds: number | null; deadLetters: number };
  /** Where the queue stands against HubSpot's limit: what waits, by type, the send rate, the projected drain (docs/capacity.md). */
  backlog: BacklogReport;
  /** `inFlight` is this instance's; the state (pauses) is shared with a shared store. */
  upstream: { state: 'ok' | 'backing-off' | 'daily-limit' | 'unauthorized' | 'dry-run'; until?: string; inFlight: number; rateLimit: number };
  deadLetters: Array<{ id: string; type: string; sessionId: string; failedAt?: string; attempts: number } & UpstreamError>;
  /** The media catalog (`mediaObjects`): off, on but dry, or its counts and errors. */
  mediaObjects: { mode: 'off' } | { mode: 'create'; state: 'dry-run' } | CatalogHealth;
}

export interface MediaBridgeProxy {
  /** True when no HubSpot credentials are set: events are stored, nothing is sent. */
  readonly dryRun: boolean;
  readonly outbox: Outbox;
  /** Answers a request, or resolves undefined when its path is none of the proxy's. */
  handle(req: ProxyRequest): Promise<ProxyReply | undefined>;
  /** Listens to what happens to events; returns a function that stops listening. */
  on<K extends ProxyEventName>(name: K, listener: Listener<K>): () => void;
  health(): Promise<Health>;
  /** The Prometheus text. */
  metrics(): Promise<string>;
  /** The latest stored events, newest first (what a dry run would have sent). */
  recent(limit?: number): Promise<OutboxEvent[]>;
  /** Sends what the rate limit allows now and waits for the answers (for serverless runtimes). */
  forwardPending(): Promise<void>;
  /** Stops forwarding, waits for requests in flight to HubSpot, and closes the outbox. */
  close(): Promise<void>;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often the projected drain is checked against its 15 minutes. */
const WATCH_EVERY_MS = 10_000;
/** Rejections logged per second at most; the metrics count all of them. */
const REJECTION_LOGS_PER_SECOND = 20;

export function createMediaBridgeProxy(options: ProxyOptions = {}): MediaBridgeProxy {
  const now = options.now ?? Date.now;
  const hub = options.hubspot ?? {};
  const apiBase = hub.apiBase ?? DEFAULT_API_BASE;
  const fetchUpstream: FetchLike = hub.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const outbox: Outbox = options.outbox ?? new MemoryOutbox();
  // The media catalog and OAuth's tokens live in the outbox's store when it can keep them.
  const portal = isPortalStore(outbox) ? outbox : new MemoryPortalStore();
  const tokenStore = outbox.tokenStore?.() ?? new LocalTokenStore();
  const tokens = tokenSource(hub, apiBase, fetchUpstream, now, tokenStore, (error) => log.error('keeping the rotated refresh token failed; it is used anyway', { error: String(error) }));
  const dryRun = tokens === undefined;
  const log = options.logger ?? createLogger({ level: options.logLevel, secrets: () => tokens?.secrets() ?? [], now });
  if (!outbox.tokenStore && hub.oauth) log.warn('this outbox keeps no OAuth tokens (Outbox.tokenStore): a refresh token HubSpot rotates is kept only in memory');
  const policy = originPolicy(options.allowedOrigins);
  const hops = options.trustProxy === true ? 1 : Number(options.trustProxy || 0);
  const limiter = new ClientLimiter({ perMinute: options.clientRateLimit ?? 600 });
  const rateLimit = hub.rateLimit ?? 90;
  const timeoutMs = hub.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const paths = {
    events: options.paths?.events ?? '/media-events',
    health: options.paths?.health ?? '/healthz',
    metrics: options.paths?.metrics ?? '/metrics',
  };
  const metrics = new Metrics();
  const listeners = new Listeners();
  const onListenerError = (error: unknown) => log.error('a proxy listener threw', { error: String(error) });
  let rejectionLogs = { second: 0, count: 0 };
  const storing = new Outage(log, 'storing events', now);

  // Events and media-object calls go through one gate: one rate window, one send log, the
  // same pauses. A store shared by several instances gives them one; otherwise this process has its own.
  const windowMs = hub.rateWindowMs;
  const gate = outbox.sharedGate?.({ limit: rateLimit, timeoutMs, windowMs }) ?? new LocalGate(outbox, { limit: rateLimit, timeoutMs, windowMs });
  let catalog: MediaCatalog | undefined;
  const forwarder: Forwarder | undefined = tokens
    ? new Forwarder({
        outbox,
        tokens,
        gate,
        fetch: fetchUpstream,
        apiBase,
        timeoutMs,
        maxInFlight: hub.maxInFlight ?? 8,
        policy: { ...DEFAULT_RETRY_POLICY, ...hub.retry },
        log,
        now,
        onOutcome: recordOutcome,
        hold: options.mediaObjects === 'create' ? { until: (e, at) => catalog?.holdUntil(e, at) ?? 0, prepare: (e) => catalog?.withMediaBridgeId(e) ?? e } : undefined,
      })
    : undefined;
  if (options.mediaObjects === 'create' && forwarder && tokens) {
    if (portal !== outbox) log.warn('this outbox does not implement PortalStore: the media catalog is kept only in memory and listed again at each start');
    catalog = new MediaCatalog({
      store: portal,
      tokens,
      limit: sharedLimit({ gate, upstream: forwarder, now }),
      fetch: fetchUpstream,
      apiBase,
      timeoutMs,
      policy: { ...DEFAULT_RETRY_POLICY, ...hub.retry },
      log,
      now,
      waitMs: options.mediaObjectWaitMs,
      refreshMs: options.mediaCatalogRefreshMs,
      onCall: (call, outcome) => metrics.inc('media_bridge_media_object_requests_total', { call, outcome }),
      onReady: () => forwarder.kick(),
    });
    catalog.start();
  }

  const forwarding = forwarder !== undefined && options.forward !== false;
  if (forwarding) forwarder.start().catch((error) => log.error('the forwarder could not start', { error: String(error) }));
  void Promise.resolve()
    .then(() => outbox.prune(now()))
    .catch(() => {});
  const pruneTimer = setInterval(() => {
    void Promise.resolve()
      .then(() => outbox.prune(now()))
      .catch((error) => log.error('pruning the outbox failed', { error: String(error) }));
  }, PRUNE_EVERY_MS);
  (pruneTimer as { unref?: () => void }).unref?.();
  const drainWatch = new DrainWatch(log);
  const watchTimer = forwarding ? setInterval(() => void health().then((h) => drainWatch.observe(h.backlog), () => {}), WATCH_EVERY_MS) : undefined;
  (watchTimer as { unref?: () => void } | undefined)?.unref?.();

  function reply(status: number, body: unknown, headers: Record<string, string> = {}): ProxyReply {
    return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
  }

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

  async function ingest(req: ProxyRequest): Promise<ProxyReply> {
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
    const checked = validateBody(parsed.value, at, options.validation);
    if (!checked.ok) return reject(400, checked.problems[0].code, 'invalid events', cors, checked.problems);
    if (checked.shortened) metrics.inc('media_bridge_fields_shortened_total', undefined, checked.shortened);

    let fresh: boolean[];
    try {
      // The body's text is stored as is, unless validation shortened a field of it.
      fresh = await outbox.add(checked.events, at, checked.shortened ? undefined : text);
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
        const e = checked.events[i];
        listeners.emit('accepted', { id: e.id, type: e.type, sessionId: e.sessionId, event: e, acceptedAt: at }, onListenerError);
      }
    }
    metrics.inc('media_bridge_events_accepted_total', undefined, stored);
    const duplicates = fresh.length - stored;
    if (duplicates) metrics.inc('media_bridge_events_duplicate_total', undefined, duplicates);
    if (catalog) for (let i = 0; i < fresh.length; i++) if (fresh[i]) catalog.notice(checked.events[i]);
    if (stored && forwarding) forwarder.kick();
    return reply(202, duplicates ? { accepted: fresh.length, duplicates } : { accepted: fresh.length }, cors);
  }

  function recordOutcome(o: ForwardOutcome): void {
    const { event } = o;
    const notice: EventNotice = { id: event.id, type: event.type, sessionId: event.sessionId, event: event.event };
    const outcome = o.result && upstreamOutcome(o.result);
    if (o.result) {
      metrics.inc('media_bridge_upstream_requests_total', { outcome: String(o.result.status ?? o.result.failure) });
      metrics.observeLatency(o.result.latencyMs);
    }
    switch (o.kind) {
      case 'forwarded':
        metrics.inc('media_bridge_events_forwarded_total', { type: event.type });
        listeners.emit('forwarded', { ...notice, outcome: outcome!, attempts: event.attempts + 1 }, onListenerError);
        return;
      case 'retry':
        metrics.inc('media_bridge_events_retried_total', { reason: o.reason });
        log.debug('will retry an event', { id: event.id, type: event.type, reason: o.reason, retryAt: new Date(o.at).toISOString(), ...o.error });
        listeners.emit('retry', { ...notice, outcome, reason: o.reason, retryAt: o.at, error: o.error }, onListenerError);
        return;
      case 'dead':
        metrics.inc('media_bridge_events_dead_lettered_total', { status: String(o.error.status ?? o.error.failure ?? 'none') });
        log.warn('dead letter: HubSpot will not take this event', { id: event.id, type: event.type, ...o.error });
        listeners.emit('dead', { ...notice, outcome, error: o.error }, onListenerError);
        return;
    }
  }

  async function health(): Promise<Health> {
    const at = now();
    const [stats, dead] = await Promise.all([outbox.stats(at), outbox.deadLetters(10)]);
    const state = forwarder ? await forwarder.state(at) : { state: 'dry-run' as const };
    const store = outbox.connection?.();
    return {
      ok: true,
      dryRun,
      ...(store ? { store } : {}),
      outbox: {
        pending: stats.pending,
        oldestPendingAgeSeconds: stats.oldestPendingAt === undefined ? null : Math.max(0, (at - stats.oldestPendingAt) / 1000),
        deadLetters: stats.dead,
      },
      backlog: backlogReport(stats, at, outbox.backlogPolicy?.()),
      upstream: {
        state: state.state,
        ...('until' in state ? { until: new Date(state.until).toISOString() } : {}),
        inFlight: forwarder?.inFlightCount ?? 0,
        rateLimit,
      },
      deadLetters: dead.map((d) => ({
        id: d.id,
        type: d.type,
        sessionId: d.sessionId,
        ...(d.doneAt !== undefined ? { failedAt: new Date(d.doneAt).toISOString() } : {}),
        attempts: d.attempts,
        ...d.error,
      })),
      mediaObjects: catalog ? catalog.health() : options.mediaObjects === 'create' ? { mode: 'create', state: 'dry-run' } : { mode: 'off' },
    };
  }

  async function renderMetrics(): Promise<string> {
    const store = outbox.connection?.();
    if (store) metrics.set('media_bridge_store_connected', store.state === 'ready' ? 1 : 0);
    const h = await health();
    metrics.set('media_bridge_outbox_pending', h.outbox.pending);
    metrics.set('media_bridge_outbox_oldest_pending_age_seconds', h.outbox.oldestPendingAgeSeconds ?? 0);
    metrics.set('media_bridge_outbox_dead_letters', h.outbox.deadLetters);
    metrics.setBacklog(h.backlog);
    metrics.set('media_bridge_upstream_in_flight', h.upstream.inFlight);
    metrics.set('media_bridge_upstream_paused', h.upstream.state === 'ok' || h.upstream.state === 'dry-run' ? 0 : 1);
    if ('known' in h.mediaObjects) {
      metrics.set('media_bridge_media_objects_known', h.mediaObjects.known);
      metrics.set('media_bridge_media_objects_failed', h.mediaObjects.failed);
    }
    return metrics.render();
  }

  async function serve(kind: 'health' | 'metrics', method: string): Promise<ProxyReply> {
    if (method !== 'GET') return reply(405, { error: 'use GET' }, { allow: 'GET' });
    try {
      if (kind === 'health') return reply(200, await health());
      return { status: 200, headers: { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: await renderMetrics() };
    } catch (error) {
      const store = outbox.connection?.();
      // With a store down (Redis unreachable) the store's own log line says so, once.
      if (!store || store.state === 'ready') log.error(`answering ${kind} failed`, { error: String(error) });
      if (kind === 'metrics' && store) {
        // Still scrapeable: the counters, and that the store is not connected.
        return { status: 200, headers: { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: metrics.render() };
      }
      return reply(503, { ok: false, error: 'the outbox is unavailable', ...(store ? { store } : {}) });
    }
  }

  return {
    dryRun,
    outbox,
    async handle(req) {
      if (req.path === paths.events) return ingest(req);
      if (paths.health !== false && req.path === paths.health) return serve('health', req.method);
      if (paths.metrics !== false && req.path === paths.metrics) return serve('metrics', req.method);
      return undefined;
    },
    on: (name, listener) => listeners.on(name, listener),
    health,
    metrics: renderMetrics,
    recent: async (limit = 50) => outbox.recent(limit),
    forwardPending: async () => {
      await forwarder?.drain();
    },
    async close() {
      clearInterval(pruneTimer);
      clearInterval(watchTimer);
      await catalog?.close(); // first: events waiting for an object go at once
      await forwarder?.stop();
      await outbox.close();
    },
  };
}

function tokenSource(hub: HubSpotOptions, apiBase: string, fetch: FetchLike, now: () => number, store: OAuthTokenStore, onKeepError: (error: unknown) => void): TokenSource | undefined {
  if (hub.tokens) return hub.tokens;
  if (hub.oauth) return oauthToken({ ...hub.oauth, apiBase, fetch, now, store, onKeepError });
  if (hub.accessToken) return staticToken(hub.accessToken);
  return undefined;
}

function upstreamOutcome(result: UpstreamResult): UpstreamOutcome {
  const out: UpstreamOutcome = { latencyMs: result.latencyMs };
  if (result.status !== undefined) out.status = result.status;
  if (result.failure) out.failure = result.failure;
  return out;
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
