/**
 * OAuth's token store on every store (OAuthTokenStore: LocalTokenStore for memory and
 * SQLite, RedisTokenStore for Redis, on a real Redis): token sources on one store refresh
 * once between them, the refresh token HubSpot rotates is kept for the next refresh and the
 * next start, a new install's configured token wins over an old rotation, and refused tokens
 * surface as TokenRefreshError. On Redis the sources are separate instances (their own
 * connections), and they share the access token too. An outbox of your own without a token
 * store still works, in memory, and the proxy says so. The token endpoint here rotates on
 * every refresh and refuses a spent refresh token, as HubSpot may.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaBridgeProxy } from '../../src/proxy/core.js';
import { silentLogger } from '../../src/proxy/log.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import type { Outbox } from '../../src/proxy/store/outbox.js';
import { RedisOutbox } from '../../src/proxy/store/redis/outbox.js';
import { SqliteOutbox } from '../../src/proxy/store/sqlite-outbox.js';
import { oauthToken, TokenRefreshError, type OAuthTokenStore } from '../../src/proxy/upstream/oauth.js';
import type { WireEvent } from '../../src/wire.js';
import { played } from './proxy-process.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { tempDir } from './temp-dirs.js';

let redis: RedisServer;
const opened: Outbox[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const o of opened) await o.close();
  await redis?.stop();
});

/** A token endpoint that issues access-N and refresh-N, and takes each refresh token once. */
function rotatingEndpoint(valid = ['refresh-0']) {
  const live = new Set(valid);
  let n = 0;
  const calls: string[] = [];
  const fetch = async (_url: string, init: RequestInit) => {
    const form = new URLSearchParams(String(init.body));
    const given = form.get('refresh_token') ?? '';
    calls.push(given);
    await new Promise((r) => setTimeout(r, 50)); // slow enough for refreshes to overlap
    if (!live.delete(given)) return new Response(JSON.stringify({ status: 'BAD_REFRESH_TOKEN' }), { status: 400 });
    n++;
    live.add(`refresh-${n}`);
    return new Response(JSON.stringify({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 1800 }), { status: 200 });
  };
  return { fetch, calls, spend: (token: string) => live.delete(token) };
}

interface StoreCase {
  /** Whether instances share the access token (else only the refresh token outlives a restart). */
  sharesAccess: boolean;
  /** A token store in `group`: another instance of the same store (Redis), or the same store (one process). */
  instance(group: string): OAuthTokenStore;
  /** The store of `group` after a restart of its process; absent where nothing outlives one (memory). */
  restarted?(group: string): Promise<OAuthTokenStore>;
}

function oneProcess(open: (group: string) => Outbox, reopen?: (group: string) => Outbox): StoreCase {
  const live = new Map<string, Outbox>();
  const get = (group: string) => {
    let o = live.get(group);
    if (!o) {
      live.set(group, (o = open(group)));
      opened.push(o);
    }
    return o;
  };
  return {
    sharesAccess: false,
    instance: (group) => get(group).tokenStore!(),
    ...(reopen && {
      async restarted(group: string) {
        await get(group).close();
        const o = reopen(group);
        live.set(group, o);
        opened.push(o);
        return o.tokenStore!();
      },
    }),
  };
}

const sqliteFiles = new Map<string, string>();
const sqliteFile = (group: string) => {
  if (!sqliteFiles.has(group)) sqliteFiles.set(group, join(tempDir('mbt-tokens-'), 'outbox.sqlite'));
  return sqliteFiles.get(group)!;
};
const redisInstance = (group: string) => {
  const o = new RedisOutbox({ url: redis.url, queue: `oauth-${group}`, logger: silentLogger });
  opened.push(o);
  return o.tokenStore();
};

const cases: Array<[string, StoreCase]> = [
  ['MemoryOutbox', oneProcess(() => new MemoryOutbox())],
  ['SqliteOutbox', oneProcess((g) => new SqliteOutbox(sqliteFile(g)), (g) => new SqliteOutbox(sqliteFile(g)))],
  ['RedisOutbox', { sharesAccess: true, instance: redisInstance, restarted: async (g) => redisInstance(g) }],
];

function source(store: OAuthTokenStore, endpoint: ReturnType<typeof rotatingEndpoint>, refreshToken = 'refresh-0') {
  return oauthToken({ clientId: 'id', clientSecret: 'secret-value', refreshToken, apiBase: 'https://hubspot.test', fetch: endpoint.fetch, store });
}

describe.each(cases)('OAuth tokens kept by %s', (name, store) => {
  it('refreshes once for all sources, and each uses the rotated refresh token next', async () => {
    const endpoint = rotatingEndpoint();
    const [a, b, c] = [1, 2, 3].map(() => source(store.instance(`${name}-1`), endpoint));
    const tokens = await Promise.all([a.get(), b.get(), c.get(), a.get()]);
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.calls).toEqual(['refresh-0']);

    // HubSpot refuses access-1 (revoked): one source refreshes, with refresh-1, and the
    // others take the new token from the store instead of spending refresh-1 again.
    expect(b.rejected('access-1')).toBe(true);
    expect(await b.get()).toBe('access-2');
    expect(c.rejected('access-1')).toBe(true);
    expect(await c.get()).toBe('access-2');
    expect(endpoint.calls).toEqual(['refresh-0', 'refresh-1']);
    expect(b.secrets()).toContain('refresh-2');
  });

  // A MemoryOutbox keeps nothing across a restart, by design.
  if (store.restarted) it('after a restart, starts from the kept refresh token, not the spent one it was configured with', async () => {
    const endpoint = rotatingEndpoint();
    await source(store.instance(`${name}-2`), endpoint).get();
    const after = await store.restarted!(`${name}-2`);
    expect(await source(after, endpoint).get()).toBe(store.sharesAccess ? 'access-1' : 'access-2');
    expect(endpoint.calls).toEqual(store.sharesAccess ? ['refresh-0'] : ['refresh-0', 'refresh-1']);
  });

  it('uses a new install\'s configured refresh token as given, not an old install\'s rotation', async () => {
    const endpoint = rotatingEndpoint(['refresh-0', 'new-install-refresh']);
    await source(store.instance(`${name}-3`), endpoint).get(); // the old install: refresh-1 kept
    const reinstalled = source(store.instance(`${name}-3`), endpoint, 'new-install-refresh');
    expect(await reinstalled.get()).toBe('access-2');
    expect(endpoint.calls).toEqual(['refresh-0', 'new-install-refresh']);
  });

  it('surfaces a refused refresh token as TokenRefreshError, having tried the kept one and the configured one', async () => {
    const endpoint = rotatingEndpoint();
    const a = source(store.instance(`${name}-4`), endpoint);
    await a.get();
    // Someone spent refresh-1 outside the proxy: both the kept and the configured token are refused.
    endpoint.spend('refresh-1');
    expect(a.rejected('access-1')).toBe(true);
    await expect(a.get()).rejects.toBeInstanceOf(TokenRefreshError);
    expect(endpoint.calls).toEqual(['refresh-0', 'refresh-1', 'refresh-0']);
  });
});

describe('an outbox of your own that keeps no OAuth tokens', () => {
  it('still refreshes, with the rotated token in memory, and the proxy says so at start-up', async () => {
    const endpoint = rotatingEndpoint();
    const fetch = async (url: string, init: RequestInit) => (url.endsWith('/oauth/v3/token') ? endpoint.fetch(url, init) : Response.json({}));
    const own = new MemoryOutbox({ orderGraceMs: 0 });
    Object.assign(own, { tokenStore: undefined }); // as an Outbox without the optional method
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const proxy = createMediaBridgeProxy({
      outbox: own,
      forward: false,
      logger,
      hubspot: { oauth: { clientId: 'id', clientSecret: 'secret-value', refreshToken: 'refresh-0' }, apiBase: 'https://hubspot.test', fetch },
    });
    expect(warnings.filter((w) => w.includes('keeps no OAuth tokens'))).toHaveLength(1);
    await own.add([played('own-1', 's1') as WireEvent], Date.now());
    await proxy.forwardPending();
    expect(endpoint.calls).toEqual(['refresh-0']);
    expect((await own.stats(Date.now())).pending).toBe(0);
    await proxy.close();
  });
});
