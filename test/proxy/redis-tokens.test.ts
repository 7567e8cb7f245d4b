/**
 * OAuth with the tokens kept in Redis (RedisTokenStore): instances share one access token,
 * one refreshes at a time, and a refresh token HubSpot rotates is kept for all, so no
 * instance refreshes with a spent one. The token endpoint here rotates on every refresh and
 * refuses a spent refresh token, as HubSpot may.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { oauthToken, TokenRefreshError } from '../../src/proxy/upstream/oauth.js';
import { startRedis, type RedisServer } from './redis-server.js';

let redis: RedisServer;
const outboxes: RedisOutbox[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const o of outboxes) await o.close();
  await redis?.stop();
});

/** A token endpoint that issues access-N and refresh-N, and takes each refresh token once. */
function rotatingEndpoint() {
  let valid = 'refresh-0';
  let n = 0;
  const calls: string[] = [];
  const fetch = async (_url: string, init: RequestInit) => {
    const form = new URLSearchParams(String(init.body));
    const given = form.get('refresh_token') ?? '';
    calls.push(given);
    await new Promise((r) => setTimeout(r, 50)); // slow enough for refreshes to overlap
    if (given !== valid) return new Response(JSON.stringify({ status: 'BAD_REFRESH_TOKEN' }), { status: 400 });
    n++;
    valid = `refresh-${n}`;
    return new Response(JSON.stringify({ access_token: `access-${n}`, refresh_token: valid, expires_in: 1800 }), { status: 200 });
  };
  return { fetch, calls };
}

function instances(count: number, queue: string, endpoint: ReturnType<typeof rotatingEndpoint>) {
  return Array.from({ length: count }, () => {
    const o = new RedisOutbox({ url: redis.url, queue, logger: silentLogger });
    outboxes.push(o);
    return oauthToken({
      clientId: 'id',
      clientSecret: 'secret-value',
      refreshToken: 'refresh-0',
      apiBase: 'https://hubspot.test',
      fetch: endpoint.fetch,
      store: o.tokenStore(),
    });
  });
}

describe('OAuth tokens shared in Redis', () => {
  it('refreshes once for all instances, and each uses the rotated refresh token next', async () => {
    const endpoint = rotatingEndpoint();
    const [a, b, c] = instances(3, 'oauth-1', endpoint);
    const tokens = await Promise.all([a.get(), b.get(), c.get(), a.get()]);
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.calls).toEqual(['refresh-0']);

    // HubSpot refuses access-1 (revoked): one instance refreshes, with refresh-1, and the
    // others take the new token from Redis instead of spending refresh-1 again.
    expect(b.rejected('access-1')).toBe(true);
    expect(await b.get()).toBe('access-2');
    expect(c.rejected('access-1')).toBe(true);
    expect(await c.get()).toBe('access-2');
    expect(endpoint.calls).toEqual(['refresh-0', 'refresh-1']);
    expect(b.secrets()).toContain('refresh-2');
  });

  it('a new instance starts from the tokens in Redis, not the spent one it was configured with', async () => {
    const endpoint = rotatingEndpoint();
    const [first] = instances(1, 'oauth-2', endpoint);
    await first.get();
    const [late] = instances(1, 'oauth-2', endpoint);
    expect(await late.get()).toBe('access-1');
    expect(endpoint.calls).toEqual(['refresh-0']);
  });

  it('surfaces a refused refresh token as TokenRefreshError', async () => {
    const endpoint = rotatingEndpoint();
    const [a] = instances(1, 'oauth-3', endpoint);
    await a.get();
    // Someone spent refresh-1 outside the proxy: both the kept and the configured token are refused.
    await endpoint.fetch('', { body: 'refresh_token=refresh-1' });
    expect(a.rejected('access-1')).toBe(true);
    await expect(a.get()).rejects.toBeInstanceOf(TokenRefreshError);
  });
});
