/**
 * The Node server's configuration, read from the environment. Pure: the environment comes in
 * as an object, and a bad value throws an error that names the variable.
 */
import type { ProxyOptions } from './core.js';
import type { LogLevel } from './log.js';
import { DEFAULT_BACKLOG_AFTER_MS, parseBacklogMode, type BacklogPolicy } from './store/backlog-policy.js';

export interface ServerConfig {
  port: number;
  host: string;
  /** Directory of the SQLite outbox (unused with `redis`). */
  dataDir: string;
  /** With REDIS_URL: the shared queue in Redis, instead of the SQLite outbox. */
  redis?: RedisConfig;
  logLevel: LogLevel;
  /** What the outbox sends first under backlog (HUBSPOT_BACKLOG, HUBSPOT_BACKLOG_AFTER_MS). */
  backlog: BacklogPolicy;
  /** Everything but the outbox and the logger, which the server makes. */
  proxy: ProxyOptions;
}

/** The Redis store, from REDIS_URL and MEDIA_BRIDGE_QUEUE. */
export interface RedisConfig {
  url: string;
  queue: string;
}

type Env = Record<string, string | undefined>;

/** One variable the server reads: the value it takes when unset (none: no default), and what it does. */
export interface ServerVariable {
  fallback?: string;
  about: string;
}

/**
 * Every environment variable the server reads, in the order `--help` lists them. configFromEnv
 * reads a variable only through this table, its default included, so `--help`
 * (`serverHelp`) cannot leave one out or state another default.
 */
export const SERVER_VARIABLES = {
  PORT: { fallback: '8787', about: 'port to listen on (0: any free one)' },
  HOST: { fallback: '127.0.0.1', about: 'address to listen on' },
  HUBSPOT_ACCESS_TOKEN: { about: 'a private-app or other static token; with no credentials at all, a dry run' },
  HUBSPOT_CLIENT_ID: { about: 'OAuth instead of a token: the app\'s client id (all three, or none)' },
  HUBSPOT_CLIENT_SECRET: { about: 'OAuth: the app\'s client secret' },
  HUBSPOT_REFRESH_TOKEN: { about: 'OAuth: the refresh token `media-bridge-proxy authorize` prints' },
  HUBSPOT_MEDIA_OBJECTS: { fallback: 'off', about: 'create: keep the portal\'s media objects, create the missing ones' },
  HUBSPOT_API_BASE: { fallback: 'https://api.hubapi.com', about: 'HubSpot\'s API base URL' },
  HUBSPOT_RATE_LIMIT: { fallback: '90', about: 'requests to HubSpot per window (HUBSPOT_RATE_WINDOW_MS)' },
  HUBSPOT_RATE_WINDOW_MS: { fallback: '10000', about: 'the window the rate limit counts in: HubSpot\'s 10 s (shorter only for a time-scaled simulation)' },
  HUBSPOT_TIMEOUT_MS: { fallback: '10000', about: 'how long one request to HubSpot may take before it is retried' },
  HUBSPOT_RETRY_BASE_MS: { fallback: '1000', about: 'first retry delay after a failure, and first pause after a 429' },
  HUBSPOT_BACKLOG: { fallback: 'priority', about: 'the order under backlog: priority, coalesce (drops superseded quartiles) or fifo (docs/capacity.md)' },
  HUBSPOT_BACKLOG_AFTER_MS: { fallback: String(DEFAULT_BACKLOG_AFTER_MS), about: 'how long the oldest event waits before the queue is in backlog' },
  ALLOWED_ORIGINS: { about: 'comma-separated origins allowed to post; unset: the same origin only' },
  TRUST_PROXY: { fallback: 'off', about: 'on, or the number of proxies in front: read X-Forwarded-For and -Host' },
  CLIENT_RATE_LIMIT: { fallback: '600', about: 'ingest requests per minute per client IP; 0 turns it off' },
  MEDIA_BRIDGE_DATA_DIR: { fallback: './.media-bridge', about: 'directory of the SQLite outbox (unused with REDIS_URL)' },
  REDIS_URL: { about: 'redis:// or rediss:// URL: keep the outbox in Redis, shared by every instance' },
  MEDIA_BRIDGE_QUEUE: { fallback: 'media-bridge', about: 'the queue\'s name in Redis (with REDIS_URL)' },
  LOG_LEVEL: { fallback: 'info', about: 'debug, info, warn or error' },
} satisfies Record<string, ServerVariable>;

export type ServerVariableName = keyof typeof SERVER_VARIABLES;

/** `media-bridge-proxy --help`: the commands, then every variable of SERVER_VARIABLES. */
export function serverHelp(): string {
  const rows = Object.entries(SERVER_VARIABLES as Record<string, ServerVariable>).map(([name, v]) => [name, v.fallback ?? '-', v.about]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
  const [nameWidth, fallbackWidth] = [width(0), width(1)];
  const lines = rows.map(([name, fallback, about]) => `  ${name.padEnd(nameWidth)}  ${fallback.padEnd(fallbackWidth)}  ${about}`);
  return `Usage: media-bridge-proxy              the proxy server, configured by the environment below
       media-bridge-proxy authorize    HubSpot's OAuth install flow: gets the refresh token (--help for more)
       media-bridge-proxy --help       this text

Environment (name, default, meaning):
${lines.join('\n')}

Settings in full: docs/proxy.md in the package; several instances on Redis: docs/redis.md.
`;
}

export function configFromEnv(env: Env): ServerConfig {
  const accessToken = value(env, 'HUBSPOT_ACCESS_TOKEN');
  const oauthVars = ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'HUBSPOT_REFRESH_TOKEN'] as const;
  const oauthSet = oauthVars.filter((name) => value(env, name) !== undefined);
  if (oauthSet.length > 0 && oauthSet.length < oauthVars.length) {
    const missing = oauthVars.filter((name) => !oauthSet.includes(name));
    throw new Error(`OAuth needs ${oauthVars.join(', ')}; missing ${missing.join(', ')}`);
  }
  if (accessToken && oauthSet.length) {
    throw new Error('set either HUBSPOT_ACCESS_TOKEN or the HUBSPOT_CLIENT_ID/SECRET/REFRESH_TOKEN trio, not both');
  }
  const apiBase = httpBase(env, 'HUBSPOT_API_BASE', fallback('HUBSPOT_API_BASE'));

  const logLevel = text(env, 'LOG_LEVEL') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error('LOG_LEVEL must be debug, info, warn or error');
  const retryBase = integer(env, 'HUBSPOT_RETRY_BASE_MS', 1);
  const mediaObjects = text(env, 'HUBSPOT_MEDIA_OBJECTS').toLowerCase();
  if (mediaObjects !== 'off' && mediaObjects !== 'create') throw new Error('HUBSPOT_MEDIA_OBJECTS must be off or create');
  const redis = redisConfig(env);

  return {
    port: integer(env, 'PORT', 0, 65535),
    host: text(env, 'HOST'),
    dataDir: text(env, 'MEDIA_BRIDGE_DATA_DIR'),
    ...(redis ? { redis } : {}),
    logLevel,
    // The backlog's settings (docs/capacity.md).
    backlog: {
      mode: parseBacklogMode(text(env, 'HUBSPOT_BACKLOG')),
      afterMs: integer(env, 'HUBSPOT_BACKLOG_AFTER_MS', 1),
    },
    proxy: {
      hubspot: {
        ...(accessToken ? { accessToken } : {}),
        ...(oauthSet.length
          ? {
              oauth: {
                clientId: value(env, 'HUBSPOT_CLIENT_ID')!,
                clientSecret: value(env, 'HUBSPOT_CLIENT_SECRET')!,
                refreshToken: value(env, 'HUBSPOT_REFRESH_TOKEN')!,
              },
            }
          : {}),
        apiBase,
        rateLimit: integer(env, 'HUBSPOT_RATE_LIMIT', 1),
        rateWindowMs: integer(env, 'HUBSPOT_RATE_WINDOW_MS', 10),
        timeoutMs: integer(env, 'HUBSPOT_TIMEOUT_MS', 1),
        retry: { baseMs: retryBase, rollingPauseMs: retryBase },
      },
      allowedOrigins: (value(env, 'ALLOWED_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      trustProxy: trustProxy(text(env, 'TRUST_PROXY')),
      clientRateLimit: integer(env, 'CLIENT_RATE_LIMIT', 0),
      mediaObjects,
    },
  };
}

/** An http(s) base URL from `name`, without its trailing slashes. */
export function httpBase(env: Env, name: string, otherwise: string): string {
  let url: URL;
  try {
    url = new URL(env[name]?.trim() || otherwise);
  } catch {
    throw new Error(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL`);
  return url.href.replace(/\/+$/, '');
}

/** REDIS_URL (redis:// or rediss://) switches to the shared queue; MEDIA_BRIDGE_QUEUE names it. */
function redisConfig(env: Env): RedisConfig | undefined {
  const raw = value(env, 'REDIS_URL');
  const queue = value(env, 'MEDIA_BRIDGE_QUEUE');
  if (raw === undefined) {
    if (queue !== undefined) throw new Error('MEDIA_BRIDGE_QUEUE names a queue in Redis: set REDIS_URL too');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
  }
  if (!url.hostname) throw new Error('REDIS_URL names no host');
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new Error('REDIS_URL: the path must be a database number, e.g. /0');
  const name = queue ?? fallback('MEDIA_BRIDGE_QUEUE');
  // BullMQ puts the queue name in its keys, where a colon would read as a separator.
  if (!/^[A-Za-z0-9_.{}-]{1,100}$/.test(name)) {
    throw new Error('MEDIA_BRIDGE_QUEUE must be 1 to 100 letters, digits, or - _ . { }');
  }
  return { url: raw, queue: name };
}

/** The variable's value, trimmed; undefined when unset or blank. */
function value(env: Env, name: ServerVariableName): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** The variable's default, as SERVER_VARIABLES states it. */
function fallback(name: ServerVariableName): string {
  const v: ServerVariable = SERVER_VARIABLES[name];
  if (v.fallback === undefined) throw new Error(`${name} has no default`);
  return v.fallback;
}

/** The variable's value, or its default. */
function text(env: Env, name: ServerVariableName): string {
  return value(env, name) ?? fallback(name);
}

function integer(env: Env, name: ServerVariableName, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text(env, name));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** Off unless set: "true"/"on"/"yes" mean one proxy in front, a number says how many. */
function trustProxy(raw: string): number {
  const v = raw.toLowerCase();
  if (['0', 'false', 'off', 'no'].includes(v)) return 0;
  if (['1', 'true', 'on', 'yes'].includes(v)) return 1;
  const n = Number(v);
  if (Number.isInteger(n) && n > 0 && n < 20) return n;
  throw new Error('TRUST_PROXY must be off, on, or the number of proxies in front');
}
