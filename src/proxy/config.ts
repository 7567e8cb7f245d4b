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
  const apiBase = httpBase(env, 'HUBSPOT_API_BASE', 'https://api.hubapi.com');

  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error('LOG_LEVEL must be debug, info, warn or error');
  const retryBase = integer(env, 'HUBSPOT_RETRY_BASE_MS', 1_000, 1);
  const mediaObjects = (value(env, 'HUBSPOT_MEDIA_OBJECTS') ?? 'off').toLowerCase();
  if (mediaObjects !== 'off' && mediaObjects !== 'create') throw new Error('HUBSPOT_MEDIA_OBJECTS must be off or create');
  const redis = redisConfig(env);

  return {
    port: integer(env, 'PORT', 8787, 0, 65535),
    host: value(env, 'HOST') ?? '127.0.0.1',
    dataDir: value(env, 'MEDIA_BRIDGE_DATA_DIR') ?? './.media-bridge',
    ...(redis ? { redis } : {}),
    logLevel,
    // The backlog's settings (docs/capacity.md):
    //   HUBSPOT_BACKLOG          fifo | priority | coalesce   default priority
    //   HUBSPOT_BACKLOG_AFTER_MS the wait past which the queue is in backlog   default 30000
    //   HUBSPOT_RATE_WINDOW_MS   the window HUBSPOT_RATE_LIMIT counts in   default 10000 (HubSpot's)
    backlog: {
      mode: parseBacklogMode(value(env, 'HUBSPOT_BACKLOG') ?? 'priority'),
      afterMs: integer(env, 'HUBSPOT_BACKLOG_AFTER_MS', DEFAULT_BACKLOG_AFTER_MS, 1),
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
        rateLimit: integer(env, 'HUBSPOT_RATE_LIMIT', 90, 1),
        rateWindowMs: integer(env, 'HUBSPOT_RATE_WINDOW_MS', 10_000, 10),
        timeoutMs: integer(env, 'HUBSPOT_TIMEOUT_MS', 10_000, 1),
        retry: { baseMs: retryBase, rollingPauseMs: retryBase },
      },
      allowedOrigins: (value(env, 'ALLOWED_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      trustProxy: trustProxy(value(env, 'TRUST_PROXY')),
      clientRateLimit: integer(env, 'CLIENT_RATE_LIMIT', 600, 0),
      mediaObjects,
    },
  };
}

/** An http(s) base URL from `name`, without its trailing slashes. */
export function httpBase(env: Env, name: string, fallback: string): string {
  let url: URL;
  try {
    url = new URL(value(env, name) ?? fallback);
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
  const name = queue ?? 'media-bridge';
  // BullMQ puts the queue name in its keys, where a colon would read as a separator.
  if (!/^[A-Za-z0-9_.{}-]{1,100}$/.test(name)) {
    throw new Error('MEDIA_BRIDGE_QUEUE must be 1 to 100 letters, digits, or - _ . { }');
  }
  return { url: raw, queue: name };
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** Off unless set: "true"/"on"/"yes" mean one proxy in front, a number says how many. */
function trustProxy(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const v = raw.toLowerCase();
  if (['0', 'false', 'off', 'no'].includes(v)) return 0;
  if (['1', 'true', 'on', 'yes'].includes(v)) return 1;
  const n = Number(v);
  if (Number.isInteger(n) && n > 0 && n < 20) return n;
  throw new Error('TRUST_PROXY must be off, on, or the number of proxies in front');
}
