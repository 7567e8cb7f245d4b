import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/proxy/upstream/hubspot-client.js';
import { installOf, oauthToken, staticToken, TokenRefreshError } from '../../src/proxy/upstream/oauth.js';
import { LocalTokenStore } from '../../src/proxy/store/local-tokens.js';

const CREDENTIALS = { clientId: 'client-1', clientSecret: 'secret-abcdefgh', refreshToken: 'refresh-0' };

/** A fake token endpoint behind an injected fetch. */
function tokenEndpoint(options: { expiresIn?: number; rotate?: boolean; status?: number; body?: unknown } = {}) {
  const calls: Array<{ url: string; form: URLSearchParams; init: RequestInit }> = [];
  let issued = 0;
  const fetch: FetchLike = async (url, init) => {
    const form = new URLSearchParams(String(init.body));
    calls.push({ url, form, init });
    await new Promise((r) => setTimeout(r, 5));
    if (options.status) return new Response(JSON.stringify(options.body ?? { status: 'error' }), { status: options.status });
    issued++;
    return Response.json({
      token_type: 'bearer',
      access_token: `access-${issued}`,
      expires_in: options.expiresIn ?? 1800,
      refresh_token: options.rotate ? `refresh-${issued}` : form.get('refresh_token'),
    });
  };
  return { fetch, calls };
}

describe('oauthToken', () => {
  it('posts the refresh grant, form-encoded, to the v3 token endpoint under the configured base', async () => {
    const ep = tokenEndpoint();
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test/', fetch: ep.fetch });
    expect(await tokens.get()).toBe('access-1');
    expect(ep.calls).toHaveLength(1);
    expect(ep.calls[0].url).toBe('http://fake.test/oauth/v3/token');
    expect(new Headers(ep.calls[0].init.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(ep.calls[0].form)).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: 'secret-abcdefgh',
      refresh_token: 'refresh-0',
    });
  });

  it('reuses the token until shortly before it expires, then refreshes', async () => {
    let now = 0;
    const ep = tokenEndpoint({ expiresIn: 1800 });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch, now: () => now, refreshEarlyMs: 300_000 });
    expect(await tokens.get()).toBe('access-1');
    now = 1_499_999; // 1800 s - 300 s - 1 ms
    expect(await tokens.get()).toBe('access-1');
    now = 1_500_000;
    expect(await tokens.get()).toBe('access-2');
    expect(ep.calls).toHaveLength(2);
  });

  it('shares one refresh among concurrent callers', async () => {
    const ep = tokenEndpoint();
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch });
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    expect(new Set(all)).toEqual(new Set(['access-1']));
    expect(ep.calls).toHaveLength(1);
  });

  it('refreshes once on a 401, then reports that retrying is pointless', async () => {
    let now = 0;
    const ep = tokenEndpoint();
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch, now: () => now });
    const first = await tokens.get();
    expect(tokens.rejected(first)).toBe(true);
    const second = await tokens.get();
    expect(second).toBe('access-2');
    // Requests already in flight with the old token are told a newer one exists.
    expect(tokens.rejected(first)).toBe(true);
    now = 30_000;
    expect(tokens.rejected(second)).toBe(false);
    expect(await tokens.get()).toBe('access-2');
    // A minute later, a 401 is worth one more refresh.
    now = 61_000;
    expect(tokens.rejected(second)).toBe(true);
    expect(await tokens.get()).toBe('access-3');
  });

  it('keeps a rotated refresh token', async () => {
    let now = 0;
    const ep = tokenEndpoint({ rotate: true, expiresIn: 60 });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch, now: () => now, refreshEarlyMs: 0 });
    await tokens.get();
    now = 61_000;
    await tokens.get();
    expect(ep.calls.map((c) => c.form.get('refresh_token'))).toEqual(['refresh-0', 'refresh-1']);
    expect(tokens.secrets()).toEqual(expect.arrayContaining(['secret-abcdefgh', 'refresh-2', 'access-2']));
  });

  it('starts from the refresh token kept in its store, and keeps each rotated one there', async () => {
    let now = 0;
    const install = await installOf(CREDENTIALS.clientId, CREDENTIALS.refreshToken);
    const shelf = new Map([[install, 'refresh-7']]);
    const saved: string[] = [];
    const store = new LocalTokenStore({ keptRefreshToken: (i) => shelf.get(i), keepRefreshToken: (_install, t) => void saved.push(t) });
    const ep = tokenEndpoint({ rotate: true, expiresIn: 60 });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch, now: () => now, refreshEarlyMs: 0, store });
    await tokens.get();
    now = 61_000;
    await tokens.get();
    expect(ep.calls.map((c) => c.form.get('refresh_token'))).toEqual(['refresh-7', 'refresh-1']);
    expect(saved).toEqual(['refresh-1', 'refresh-2']);
    // Every refresh token it held counts as a secret, the configured one too.
    expect(tokens.secrets()).toEqual(expect.arrayContaining(['refresh-0', 'refresh-2']));
  });

  it('keys the kept token by install: a new configured refresh token is used as given', async () => {
    const store = new LocalTokenStore();
    await store.write(await installOf(CREDENTIALS.clientId, 'refresh-old-install'), { accessToken: 'access-old', expiresAt: Date.now() + 3600_000, refreshToken: 'refresh-old-rotated' });
    const ep = tokenEndpoint({ rotate: true });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch, store });
    expect(await tokens.get()).toBe('access-1');
    expect(ep.calls.map((c) => c.form.get('refresh_token'))).toEqual(['refresh-0']);
  });

  it('falls back to the configured refresh token when the kept one is refused, and keeps going when the store fails', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = async (_url, init) => {
      const presented = new URLSearchParams(String(init.body)).get('refresh_token')!;
      calls.push(presented);
      if (presented !== 'refresh-0') return Response.json({ status: 'BAD_REFRESH_TOKEN' }, { status: 400 });
      return Response.json({ access_token: 'access-1', expires_in: 1800, refresh_token: 'refresh-0' });
    };
    const errors: unknown[] = [];
    const revoked = new LocalTokenStore({ keptRefreshToken: () => 'refresh-revoked', keepRefreshToken: () => {} });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch, store: revoked, onKeepError: (e) => errors.push(e) });
    expect(await tokens.get()).toBe('access-1');
    expect(calls).toEqual(['refresh-revoked', 'refresh-0']);
    const broken = new LocalTokenStore({ keptRefreshToken: () => Promise.reject(new Error('disk')), keepRefreshToken: () => Promise.reject(new Error('full')) });
    const again = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch, store: broken, onKeepError: (e) => errors.push(e) });
    expect(await again.get()).toBe('access-1');
    expect(errors.map(String)).toEqual(['Error: disk', 'Error: disk', 'Error: full']);
  });

  it('fails with an error that carries no secret, and tries again on the next call', async () => {
    const ep = tokenEndpoint({ status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'refresh-0 is invalid' } });
    const tokens = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: ep.fetch });
    const error = await tokens.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect((error as TokenRefreshError).status).toBe(400);
    expect(String((error as Error).message)).not.toMatch(/refresh-0|secret-abcdefgh/);
    await tokens.get().catch(() => {});
    expect(ep.calls).toHaveLength(2);
  });

  it('fails on an answer without an access token, and when the endpoint is unreachable', async () => {
    const empty = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: async () => Response.json({ expires_in: 10 }) });
    await expect(empty.get()).rejects.toThrow(/without an access token/);
    const down = oauthToken({ ...CREDENTIALS, apiBase: 'http://fake.test', fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(down.get()).rejects.toThrow(/could not be reached/);
  });
});

describe('staticToken', () => {
  it('always gives the same token and never asks for a retry', async () => {
    const t = staticToken('pat-na1-abc');
    expect(await t.get()).toBe('pat-na1-abc');
    expect(t.rejected('pat-na1-abc')).toBe(false);
    expect(t.secrets()).toEqual(['pat-na1-abc']);
  });
});
