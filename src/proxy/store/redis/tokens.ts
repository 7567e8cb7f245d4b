/**
 * OAuth's tokens in Redis, shared by every proxy instance on one queue (`OAuthTokenStore`):
 * one access token for all, refreshed by one instance at a time under a lock, and the
 * newest refresh token, since HubSpot may rotate it and an instance refreshing with a spent
 * one would fail. The oauth module (src/proxy/upstream/oauth.ts) decides when to refresh
 * and does the request; this only keeps and locks.
 *
 * The hash holds credentials: protect the Redis server as you protect the token (AUTH or
 * ACLs, TLS with rediss://, a private network).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisLink } from './connection.js';
import type { OAuthTokenStore, OAuthTokens } from '../../upstream/oauth.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';

/** A refresh holds the lock at most this long (the token request times out before). */
const LOCK_MS = 20_000;
/** How often an instance waiting for another's refresh looks again. */
const POLL_MS = 100;

export class RedisTokenStore implements OAuthTokenStore {
  private readonly redis: Redis;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeys,
  ) {
    this.redis = link.fast;
  }

  async read(): Promise<OAuthTokens | undefined> {
    await this.link.started();
    const h = await this.redis.hgetall(this.keys.oauth);
    if (!h.refreshToken) return undefined;
    return { accessToken: h.accessToken ?? '', expiresAt: Number(h.expiresAt ?? 0), refreshToken: h.refreshToken };
  }

  async refresh(usable: (t: OAuthTokens) => boolean, refresh: (refreshToken: string | undefined) => Promise<OAuthTokens>): Promise<OAuthTokens> {
    const me = randomUUID();
    const deadline = Date.now() + 2 * LOCK_MS;
    for (;;) {
      if ((await this.redis.set(this.keys.oauthLock, me, 'PX', LOCK_MS, 'NX')) === 'OK') break;
      // Another instance is refreshing: use what it keeps, once it has.
      const kept = await this.read();
      if (kept && usable(kept)) return kept;
      if (Date.now() > deadline) throw new Error('timed out waiting for another instance to refresh the OAuth token');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    try {
      const kept = await this.read();
      if (kept && usable(kept)) return kept;
      const fresh = await refresh(kept?.refreshToken);
      await this.redis.hset(this.keys.oauth, {
        accessToken: fresh.accessToken,
        expiresAt: String(fresh.expiresAt),
        refreshToken: fresh.refreshToken,
      });
      return fresh;
    } finally {
      await runScript(this.redis, 'releaseLock', [this.keys.oauthLock], [me]).catch(() => {});
    }
  }
}
