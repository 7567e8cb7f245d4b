import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/proxy/config.js';

describe('configFromEnv', () => {
  it('has the documented defaults, and runs dry without a token', () => {
    const c = configFromEnv({});
    expect(c).toMatchObject({ port: 8787, host: '127.0.0.1', dataDir: './.media-bridge', logLevel: 'info' });
    expect(c.proxy).toMatchObject({ allowedOrigins: [], trustProxy: 0, clientRateLimit: 600 });
    expect(c.proxy.hubspot).toMatchObject({ apiBase: 'https://api.hubapi.com', rateLimit: 90, timeoutMs: 10_000 });
    expect(c.proxy.hubspot?.accessToken).toBeUndefined();
    expect(c.proxy.hubspot?.oauth).toBeUndefined();
  });

  it('reads every variable', () => {
    const c = configFromEnv({
      PORT: '0',
      HOST: '0.0.0.0',
      HUBSPOT_ACCESS_TOKEN: ' pat-1 ',
      HUBSPOT_API_BASE: 'http://127.0.0.1:9000/',
      HUBSPOT_RATE_LIMIT: '190',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: 'true',
      MEDIA_BRIDGE_DATA_DIR: '/var/lib/mbt',
      CLIENT_RATE_LIMIT: '0',
      LOG_LEVEL: 'debug',
      HUBSPOT_TIMEOUT_MS: '2500',
      HUBSPOT_RETRY_BASE_MS: '50',
    });
    expect(c).toMatchObject({ port: 0, host: '0.0.0.0', dataDir: '/var/lib/mbt', logLevel: 'debug' });
    expect(c.proxy).toMatchObject({ allowedOrigins: ['https://a.example', 'https://b.example'], trustProxy: 1, clientRateLimit: 0 });
    expect(c.proxy.hubspot).toMatchObject({
      accessToken: 'pat-1',
      apiBase: 'http://127.0.0.1:9000',
      rateLimit: 190,
      timeoutMs: 2500,
      retry: { baseMs: 50, rollingPauseMs: 50 },
    });
  });

  it('reads the backlog policy and the rate window (docs/capacity.md)', () => {
    expect(configFromEnv({}).backlog).toEqual({ mode: 'priority', afterMs: 30_000 });
    expect(configFromEnv({}).proxy.hubspot?.rateWindowMs).toBe(10_000);
    const c = configFromEnv({ HUBSPOT_BACKLOG: ' Coalesce ', HUBSPOT_BACKLOG_AFTER_MS: '5000', HUBSPOT_RATE_WINDOW_MS: '500' });
    expect(c.backlog).toEqual({ mode: 'coalesce', afterMs: 5_000 });
    expect(c.proxy.hubspot?.rateWindowMs).toBe(500);
    expect(configFromEnv({ HUBSPOT_BACKLOG: 'fifo' }).backlog.mode).toBe('fifo');
    expect(() => configFromEnv({ HUBSPOT_BACKLOG: 'drop' })).toThrow('HUBSPOT_BACKLOG must be fifo, priority, coalesce');
    expect(() => configFromEnv({ HUBSPOT_BACKLOG_AFTER_MS: '0' })).toThrow('HUBSPOT_BACKLOG_AFTER_MS must be an integer');
    expect(() => configFromEnv({ HUBSPOT_RATE_WINDOW_MS: 'x' })).toThrow('HUBSPOT_RATE_WINDOW_MS must be an integer');
  });

  it('takes the OAuth trio', () => {
    const c = configFromEnv({ HUBSPOT_CLIENT_ID: 'id', HUBSPOT_CLIENT_SECRET: 'secret', HUBSPOT_REFRESH_TOKEN: 'refresh' });
    expect(c.proxy.hubspot?.oauth).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' });
  });

  it('keeps media objects off unless HUBSPOT_MEDIA_OBJECTS=create', () => {
    expect(configFromEnv({}).proxy.mediaObjects).toBe('off');
    expect(configFromEnv({ HUBSPOT_MEDIA_OBJECTS: 'create' }).proxy.mediaObjects).toBe('create');
    expect(configFromEnv({ HUBSPOT_MEDIA_OBJECTS: ' Create ' }).proxy.mediaObjects).toBe('create');
  });

  it.each([
    [{ TRUST_PROXY: 'off' }, 0],
    [{ TRUST_PROXY: '0' }, 0],
    [{ TRUST_PROXY: 'yes' }, 1],
    [{ TRUST_PROXY: '2' }, 2],
  ])('reads TRUST_PROXY %j', (env, hops) => {
    expect(configFromEnv(env).proxy.trustProxy).toBe(hops);
  });

  it.each([
    [{ HUBSPOT_CLIENT_ID: 'id' }, /missing HUBSPOT_CLIENT_SECRET, HUBSPOT_REFRESH_TOKEN/],
    [{ HUBSPOT_ACCESS_TOKEN: 't', HUBSPOT_CLIENT_ID: 'i', HUBSPOT_CLIENT_SECRET: 's', HUBSPOT_REFRESH_TOKEN: 'r' }, /not both/],
    [{ HUBSPOT_API_BASE: 'ftp://x' }, /HUBSPOT_API_BASE/],
    [{ HUBSPOT_API_BASE: 'api.hubapi.com' }, /HUBSPOT_API_BASE/],
    [{ HUBSPOT_RATE_LIMIT: '0' }, /HUBSPOT_RATE_LIMIT/],
    [{ HUBSPOT_RATE_LIMIT: 'ninety' }, /HUBSPOT_RATE_LIMIT/],
    [{ PORT: '70000' }, /PORT/],
    [{ CLIENT_RATE_LIMIT: '-1' }, /CLIENT_RATE_LIMIT/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ HUBSPOT_MEDIA_OBJECTS: 'yes' }, /HUBSPOT_MEDIA_OBJECTS must be off or create/],
  ])('refuses %j', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(message);
  });

  it('switches to the shared queue in Redis with REDIS_URL, named by MEDIA_BRIDGE_QUEUE', () => {
    expect(configFromEnv({}).redis).toBeUndefined();
    expect(configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redis).toEqual({ url: 'redis://127.0.0.1:6379/0', queue: 'media-bridge' });
    expect(configFromEnv({ REDIS_URL: 'rediss://:pw@cache.internal:6380', MEDIA_BRIDGE_QUEUE: 'site-a' }).redis).toEqual({
      url: 'rediss://:pw@cache.internal:6380',
      queue: 'site-a',
    });
  });

  it.each([
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_URL: '127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379/cache' }, /REDIS_URL: the path must be a database number/],
    [{ MEDIA_BRIDGE_QUEUE: 'q' }, /MEDIA_BRIDGE_QUEUE names a queue in Redis: set REDIS_URL too/],
    [{ REDIS_URL: 'redis://h', MEDIA_BRIDGE_QUEUE: 'a:b' }, /MEDIA_BRIDGE_QUEUE must be/],
  ])('refuses a Redis setting %j', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(message);
  });

  it('never puts a secret in its error messages', () => {
    try {
      configFromEnv({ HUBSPOT_ACCESS_TOKEN: 'pat-secret-1', HUBSPOT_CLIENT_ID: 'i', HUBSPOT_CLIENT_SECRET: 'cs-secret', HUBSPOT_REFRESH_TOKEN: 'r' });
    } catch (error) {
      expect(String(error)).not.toMatch(/pat-secret-1|cs-secret/);
      return;
    }
    throw new Error('expected an error');
  });
});
