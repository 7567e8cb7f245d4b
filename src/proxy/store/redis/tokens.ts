/**
 * OAuth's tokens in Redis, shared by every proxy instance on one queue (`OAuthTokenStore`):
 * per install, one access token for all and the newest refresh token (HubSpot may rotate
 * it, and an instance refreshing with a spent one would fail), in one hash; and the lock
 * that lets one instance at a time refresh. The oauth module (src/proxy/upstream/oauth.ts)
 * decides when to refresh and with which token, and does the request; this only keeps and
 * locks.
 *
 * The hash holds credentials: protect the Redis server as you protect the token (AUTH or
 * ACLs, TLS with rediss://, a private network).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisLink } from './connection.js';
import type { OAuthTokenStore, OAuthTokens } from '../../contracts/oauth-tokens.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './scripts.js';

/**
 * A refresh holds the lock at most this long: the token endpoint may be asked three times
 * (the kept, the last and the configured refresh token), each within its 10 s timeout.
 */
const LOCK_MS = 35_000;
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

  async read(install: string): Promise<OAuthTokens | undefined> {
    await this.link.started();
    const h = await this.redis.hgetall(this.keys.oauth(install));
    if (!h.refreshToken) return undefined;
    return { accessToken: h.accessToken ?? '', expiresAt: Number(h.expiresAt ?? 0), refreshToken: h.refreshToken };
  }

  async write(install: string, tokens: OAuthTokens): Promise<void> {
    await this.redis.hset(this.keys.oauth(install), {
      accessToken: tokens.accessToken,
      expiresAt: String(tokens.expiresAt),
      refreshToken: tokens.refreshToken,
    });
  }

  async locked<T>(install: string, task: () => Promise<T>): Promise<T> {
    await this.link.started();
    const lock = this.keys.oauthLock(install);
    const me = randomUUID();
    const deadline = Date.now() + LOCK_MS + 5_000;
    while ((await this.redis.set(lock, me, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error('timed out waiting for another instance to refresh the OAuth token');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    try {
      return await task();
    } finally {
      await runScript(this.redis, 'releaseLock', [lock], [me]).catch(() => {});
    }
  }
}
