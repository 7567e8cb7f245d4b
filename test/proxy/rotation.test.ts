/**
 * A refresh token HubSpot rotates survives a restart, on every store the bin runs on
 * (SQLite in its data directory, Redis with REDIS_URL): the real proxy, OAuth against the
 * fake HubSpot that spends each refresh token it is shown. Without the kept token, the
 * restarted proxy would present the configured (spent) one and be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, startProxy, type ProxyProcess } from './proxy-process.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { tempDataDir } from './temp-dirs.js';

const OAUTH = { clientId: 'client-rot', clientSecret: 'client-secret-rotation-0001', refreshToken: 'configured-refresh-token-0001' };

const running: ProxyProcess[] = [];
const fakes: FakeHubSpot[] = [];
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const p of running) {
    p.kill('SIGTERM');
    await p.exited;
  }
  for (const f of fakes) await f.close();
  await redis?.stop();
});

/** Where the bin keeps its store: the same place for both runs. */
const stores: Array<[string, () => Record<string, string>]> = [
  ['SQLite', () => ({ MEDIA_BRIDGE_DATA_DIR: tempDataDir() })],
  ['Redis', () => ({ REDIS_URL: redis.url, MEDIA_BRIDGE_QUEUE: 'rotation' })],
];

describe.each(stores)('a rotated refresh token, on %s', (_name, storeEnv) => {
  it('is kept in the store, so the proxy uses the newest one after a restart', async () => {
    const fake = await startFakeHubSpot({ oauth: { ...OAUTH, rotate: true } });
    fakes.push(fake);
    const env = {
      HUBSPOT_CLIENT_ID: OAUTH.clientId,
      HUBSPOT_CLIENT_SECRET: OAUTH.clientSecret,
      HUBSPOT_REFRESH_TOKEN: OAUTH.refreshToken,
      HUBSPOT_API_BASE: fake.url,
      LOG_LEVEL: 'debug',
      ...storeEnv(),
    };
    const start = async () => {
      const p = await startProxy(env);
      running.push(p);
      return p;
    };
    const first = await start();
    expect((await post(first.url, [played('r1', 's1')])).status).toBe(202);
    await fake.waitFor(() => fake.delivered().length === 1, 10_000, 'the first event');
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // HubSpot revokes the access token, so the restarted proxy has to refresh even where the
    // store shares access tokens (Redis) and would otherwise go on with it.
    fake.setRule((req) => (req.headers.authorization === 'Bearer access-1' ? { status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'revoked' } } : undefined));
    const second = await start();
    expect((await post(second.url, [played('r2', 's2')])).status).toBe(202);
    await fake.waitFor(() => fake.delivered().length === 2, 10_000, 'the second event');
    // The restart refreshed with the token the first refresh handed out, not the spent one.
    expect(fake.refreshGrants).toEqual([OAUTH.refreshToken, 'rotated-1']);
    expect(fake.delivered().map((r) => r.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    for (const line of [...first.lines, ...second.lines]) {
      expect(line).not.toContain('rotated-');
      expect(line).not.toContain(OAUTH.refreshToken);
      expect(line).not.toContain(OAUTH.clientSecret);
    }
  });
});
