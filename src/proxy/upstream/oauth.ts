/**
 * Where the bearer token comes from: a static token (a private app's), or OAuth, refreshed
 * shortly before it expires and once more when HubSpot answers 401.
 *
 * HubSpot's token endpoint: POST {apiBase}/oauth/v3/token, form-encoded, with
 * grant_type=refresh_token, client_id, client_secret and refresh_token in the body (v3 keeps
 * secrets out of URLs); it answers access_token, expires_in (seconds) and a refresh_token.
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide
 */
import type { FetchLike } from './hubspot-client.js';

export interface TokenSource {
  readonly kind: 'static' | 'oauth';
  /** A token good for the next request; rejects when none can be had. */
  get(): Promise<string>;
  /**
   * HubSpot refused `token` with a 401. Returns true when a different token will be tried
   * (OAuth, and not already refreshed for a 401 within the last minute), false when
   * retrying is pointless until the configuration changes.
   */
  rejected(token: string): boolean;
  /** Every secret this source holds, so the logger can scrub them. */
  secrets(): string[];
}

/** A token that never changes: a private app's access token. */
export function staticToken(token: string): TokenSource {
  return {
    kind: 'static',
    get: () => Promise.resolve(token),
    rejected: () => false,
    secrets: () => [token],
  };
}

/** What the token endpoint gave, as kept. */
export interface OAuthTokens {
  accessToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  /** The newest refresh token (HubSpot may rotate it on each refresh). */
  refreshToken: string;
}

/**
 * Where OAuth keeps its tokens when several proxy instances share them (the Redis store):
 * one access token for all, refreshed by one instance at a time, and the newest refresh
 * token, since two instances refreshing with the same one would spend each other's.
 */
export interface OAuthTokenStore {
  /** The tokens kept, if any. */
  read(): Promise<OAuthTokens | undefined>;
  /**
   * Under a lock one instance holds at a time: returns the kept tokens if `usable` says so
   * (another instance refreshed meanwhile), else calls `refresh` with the kept refresh token
   * (undefined when none is kept yet), keeps what it returns, and returns that.
   */
  refresh(usable: (tokens: OAuthTokens) => boolean, refresh: (refreshToken: string | undefined) => Promise<OAuthTokens>): Promise<OAuthTokens>;
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  apiBase: string;
  fetch: FetchLike;
  /** Keep the tokens here, shared with other instances. Default: in this process only. */
  store?: OAuthTokenStore;
  now?: () => number;
  /** Refresh this long before expiry. Default 5 minutes (HubSpot's tokens live 30). */
  refreshEarlyMs?: number;
  /** Token endpoint path. Default /oauth/v3/token. */
  tokenPath?: string;
  timeoutMs?: number;
}

/** Thrown when the token endpoint refuses or fails; carries no secret. */
export class TokenRefreshError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TokenRefreshError';
  }
}

/** Refreshes after a 401 at most this often. */
const MIN_FORCED_REFRESH_MS = 60_000;

/** An OAuth access token, refreshed before it expires; concurrent callers share one refresh. */
export function oauthToken(options: OAuthOptions): TokenSource {
  const now = options.now ?? Date.now;
  const early = options.refreshEarlyMs ?? 5 * 60_000;
  const url = `${options.apiBase.replace(/\/+$/, '')}${options.tokenPath ?? '/oauth/v3/token'}`;
  const { store } = options;
  let refreshToken = options.refreshToken;
  let access: { token: string; expiresAt: number } | undefined;
  let refreshing: Promise<string> | undefined;
  let lastForcedAt = -Infinity;
  /** The token HubSpot last refused: a store may still hold it, and it must not be used again. */
  let refused: string | undefined;
  const usable = (t: OAuthTokens) => t.accessToken !== refused && now() < t.expiresAt - early;

  function adopt(t: OAuthTokens): string {
    refreshToken = t.refreshToken;
    access = { token: t.accessToken, expiresAt: t.expiresAt };
    return t.accessToken;
  }

  async function refresh(): Promise<string> {
    if (!store) return adopt(await request(refreshToken));
    const kept = await store.read();
    if (kept && usable(kept)) return adopt(kept);
    return adopt(
      await store.refresh(usable, async (latest) => {
        if (latest === undefined || latest === options.refreshToken) return request(options.refreshToken);
        try {
          return await request(latest);
        } catch (error) {
          // The kept token was refused: the configured one may be newer (re-authorized since).
          if (error instanceof TokenRefreshError && error.status === 400) return request(options.refreshToken);
          throw error;
        }
      }),
    );
  }

  async function request(refreshWith: string): Promise<OAuthTokens> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: options.clientId,
      client_secret: options.clientSecret,
      refresh_token: refreshWith,
    });
    let res: Response;
    try {
      res = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch {
      throw new TokenRefreshError('the token endpoint could not be reached');
    }
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!res.ok || !json) throw new TokenRefreshError(`the token endpoint answered ${res.status}`, res.status);
    const token = json.access_token ?? json.accessToken;
    const expiresIn = Number(json.expires_in ?? json.expiresIn);
    if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
      throw new TokenRefreshError('the token endpoint answered without an access token', res.status);
    }
    const rotated = json.refresh_token ?? json.refreshToken;
    return { accessToken: token, expiresAt: now() + expiresIn * 1000, refreshToken: typeof rotated === 'string' && rotated ? rotated : refreshWith };
  }

  return {
    kind: 'oauth',
    get() {
      if (access && now() < access.expiresAt - early) return Promise.resolve(access.token);
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    rejected(token) {
      if (!access || access.token !== token) return true; // a newer token is already in hand
      if (now() - lastForcedAt < MIN_FORCED_REFRESH_MS) return false;
      lastForcedAt = now();
      refused = token;
      access = undefined;
      return true;
    },
    secrets: () => [options.clientSecret, options.refreshToken, refreshToken, ...(access ? [access.token] : [])],
  };
}
