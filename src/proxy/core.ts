/**
 * The proxy itself, independent of any runtime: a request-ish object in, a status, headers
 * and body out. The Fetch handler, the node:http adapter and the Express middleware are thin
 * shells around `handle`.
 *
 * `createMediaBridgeProxy` wires the parts, each built by a step of its own below: the token
 * source (and the logger that scrubs its secrets), the gate every request to HubSpot goes
 * through, the forwarder, the media catalog, and the HTTP intake and status routes.
 */
import type { ValidationOptions } from './http/validate.js';
import { createIntake } from './http/intake.js';
import type { ProxyReply, ProxyRequest } from './http/reply.js';
import { statusRoutes } from './http/status-routes.js';
import { DrainWatch } from './backlog-report.js';
import { readHealth, renderMetrics, type Health } from './health.js';
import { Listeners, type Listener, type ProxyEventName } from './listeners.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { Metrics } from './metrics.js';
import { outcomeRecorder } from './outcomes.js';
import type { OAuthTokenStore } from './contracts/oauth-tokens.js';
import type { UpstreamGate } from './contracts/upstream-gate.js';
import { LocalTokenStore } from './store/local-tokens.js';
import { MemoryOutbox } from './store/memory-outbox.js';
import { MemoryPortalStore } from './store/memory-portal.js';
import type { Outbox, OutboxEvent } from './store/outbox.js';
import { isPortalStore } from './store/portal-store.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './upstream/backoff.js';
import { Forwarder } from './upstream/forwarder.js';
import { LocalGate } from './upstream/gate.js';
import { DEFAULT_API_BASE, DEFAULT_TIMEOUT_MS, type FetchLike } from './upstream/hubspot-client.js';
import { MediaCatalog } from './upstream/media-catalog.js';
import { oauthToken, staticToken, type TokenSource } from './upstream/oauth.js';
import { sharedLimit } from './upstream/shared-limit.js';

export type { Health } from './health.js';
export type { ProxyReply, ProxyRequest } from './http/reply.js';

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

const PRUNE_EVERY_MS = 10 * 60_000;
/** How often the projected drain is checked against its 15 minutes. */
const WATCH_EVERY_MS = 10_000;

export function createMediaBridgeProxy(options: ProxyOptions = {}): MediaBridgeProxy {
  const parts = baseParts(options);
  const { outbox, log, now } = parts;
  const gate = buildGate(parts);
  let catalog: MediaCatalog | undefined;
  const forwarder = buildForwarder(parts, gate, () => catalog);
  catalog = forwarder && buildCatalog(parts, gate, forwarder);
  const forwarding = forwarder !== undefined && options.forward !== false;
  if (forwarding) forwarder.start().catch((error) => log.error('the forwarder could not start', { error: String(error) }));
  const pruneTimer = startPruning(outbox, log, now);

  const ingest = createIntake({
    ...parts,
    allowedOrigins: options.allowedOrigins,
    hops: options.trustProxy === true ? 1 : Number(options.trustProxy || 0),
    clientRateLimit: options.clientRateLimit ?? 600,
    validation: options.validation,
    onStored(events, fresh, stored) {
      if (catalog) for (let i = 0; i < fresh.length; i++) if (fresh[i]) catalog.notice(events[i]);
      if (stored && forwarding) forwarder.kick();
    },
  });
  const health = readHealth({ ...parts, forwarder, catalog: () => catalog, mediaObjects: options.mediaObjects, dryRun: !parts.tokens });
  const metrics = renderMetrics(parts.metrics, outbox, health);
  const watchTimer = forwarding ? startDrainWatch(health, log) : undefined;
  const serve = statusRoutes({ ...parts, health, renderMetrics: metrics });
  const paths = {
    events: options.paths?.events ?? '/media-events',
    health: options.paths?.health ?? '/healthz',
    metrics: options.paths?.metrics ?? '/metrics',
  };

  return {
    dryRun: !parts.tokens,
    outbox,
    async handle(req) {
      if (req.path === paths.events) return ingest(req);
      if (paths.health !== false && req.path === paths.health) return serve('health', req.method);
      if (paths.metrics !== false && req.path === paths.metrics) return serve('metrics', req.method);
      return undefined;
    },
    on: (name, listener) => parts.listeners.on(name, listener),
    health,
    metrics,
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

/** What every part is built from: the options as resolved, and the proxy's own instruments. */
interface Parts {
  options: ProxyOptions;
  hub: HubSpotOptions;
  now: () => number;
  apiBase: string;
  fetch: FetchLike;
  rateLimit: number;
  timeoutMs: number;
  outbox: Outbox;
  /** Undefined: a dry run. */
  tokens: TokenSource | undefined;
  log: Logger;
  metrics: Metrics;
  listeners: Listeners;
  onListenerError: (error: unknown) => void;
}

function baseParts(options: ProxyOptions): Parts {
  const now = options.now ?? Date.now;
  const hub = options.hubspot ?? {};
  const apiBase = hub.apiBase ?? DEFAULT_API_BASE;
  const fetch: FetchLike = hub.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const outbox: Outbox = options.outbox ?? new MemoryOutbox();
  const { tokens, log } = buildTokenSource(options, { hub, apiBase, fetch, outbox, now });
  return {
    options,
    hub,
    now,
    apiBase,
    fetch,
    rateLimit: hub.rateLimit ?? 90,
    timeoutMs: hub.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    outbox,
    tokens,
    log,
    metrics: new Metrics(),
    listeners: new Listeners(),
    onListenerError: (error) => log.error('a proxy listener threw', { error: String(error) }),
  };
}

/** The token source (none: a dry run), and the logger that scrubs its secrets. */
function buildTokenSource(
  options: ProxyOptions,
  p: Pick<Parts, 'hub' | 'apiBase' | 'fetch' | 'outbox' | 'now'>,
): { tokens: TokenSource | undefined; log: Logger } {
  const { hub, outbox, now } = p;
  // OAuth's tokens live in the outbox's store when it can keep them.
  const store: OAuthTokenStore = outbox.tokenStore?.() ?? new LocalTokenStore();
  const onKeepError = (error: unknown) => log.error('keeping the rotated refresh token failed; it is used anyway', { error: String(error) });
  let tokens: TokenSource | undefined;
  if (hub.tokens) tokens = hub.tokens;
  else if (hub.oauth) tokens = oauthToken({ ...hub.oauth, apiBase: p.apiBase, fetch: p.fetch, now, store, onKeepError });
  else if (hub.accessToken) tokens = staticToken(hub.accessToken);
  const log = options.logger ?? createLogger({ level: options.logLevel, secrets: () => tokens?.secrets() ?? [], now });
  if (!outbox.tokenStore && hub.oauth) log.warn('this outbox keeps no OAuth tokens (Outbox.tokenStore): a refresh token HubSpot rotates is kept only in memory');
  return { tokens, log };
}

/**
 * Events and media-object calls go through one gate: one rate window, one send log, the
 * same pauses. A store shared by several instances gives them one; otherwise this process has its own.
 */
function buildGate({ outbox, rateLimit: limit, timeoutMs, options }: Parts): UpstreamGate {
  const windowMs = options.hubspot?.rateWindowMs;
  return outbox.sharedGate?.({ limit, timeoutMs, windowMs }) ?? new LocalGate(outbox, { limit, timeoutMs, windowMs });
}

/** The forwarder, unless the proxy runs dry. With media objects on, events wait for their object. */
function buildForwarder(p: Parts, gate: UpstreamGate, catalog: () => MediaCatalog | undefined): Forwarder | undefined {
  if (!p.tokens) return undefined;
  return new Forwarder({
    outbox: p.outbox,
    tokens: p.tokens,
    gate,
    fetch: p.fetch,
    apiBase: p.apiBase,
    timeoutMs: p.timeoutMs,
    maxInFlight: p.hub.maxInFlight ?? 8,
    policy: retryPolicy(p.hub),
    log: p.log,
    now: p.now,
    onOutcome: outcomeRecorder(p),
    hold: p.options.mediaObjects === 'create' ? { until: (e, at) => catalog()?.holdUntil(e, at) ?? 0, prepare: (e) => catalog()?.withMediaBridgeId(e) ?? e } : undefined,
  });
}

/** With media objects on: the catalog, kept in the outbox's store when it is a PortalStore, and started. */
function buildCatalog(p: Parts, gate: UpstreamGate, forwarder: Forwarder): MediaCatalog | undefined {
  if (p.options.mediaObjects !== 'create' || !p.tokens) return undefined;
  const portal = isPortalStore(p.outbox) ? p.outbox : new MemoryPortalStore();
  if (portal !== p.outbox) p.log.warn('this outbox does not implement PortalStore: the media catalog is kept only in memory and listed again at each start');
  const catalog = new MediaCatalog({
    store: portal,
    tokens: p.tokens,
    limit: sharedLimit({ gate, upstream: forwarder, now: p.now }),
    fetch: p.fetch,
    apiBase: p.apiBase,
    timeoutMs: p.timeoutMs,
    policy: retryPolicy(p.hub),
    log: p.log,
    now: p.now,
    waitMs: p.options.mediaObjectWaitMs,
    refreshMs: p.options.mediaCatalogRefreshMs,
    onCall: (call, outcome) => p.metrics.inc('media_bridge_media_object_requests_total', { call, outcome }),
    onReady: () => forwarder.kick(),
  });
  catalog.start();
  return catalog;
}

function retryPolicy(hub: HubSpotOptions): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...hub.retry };
}

/** Prunes the outbox now, then every PRUNE_EVERY_MS; the timer does not keep the process alive. */
function startPruning(outbox: Outbox, log: Logger, now: () => number): ReturnType<typeof setInterval> {
  void Promise.resolve()
    .then(() => outbox.prune(now()))
    .catch(() => {});
  const timer = setInterval(() => {
    void Promise.resolve()
      .then(() => outbox.prune(now()))
      .catch((error) => log.error('pruning the outbox failed', { error: String(error) }));
  }, PRUNE_EVERY_MS);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Logs once when the projected drain passes 15 minutes, and once when it is back under (backlog-report.ts). */
function startDrainWatch(health: () => Promise<Health>, log: Logger): ReturnType<typeof setInterval> {
  const watch = new DrainWatch(log);
  const timer = setInterval(() => void health().then((h) => watch.observe(h.backlog), () => {}), WATCH_EVERY_MS);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
