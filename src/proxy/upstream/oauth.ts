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

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  apiBase: string;
  fetch: FetchLike;
  now?: () => number;
  /** Refresh this long before expiry. Default 5 minutes (HubSpot's tokens live 30). */
  refreshEarlyMs?: number;
  /** Token endpoint path. Default /oauth/v3/token. */
  tokenPath?: string;
  timeoutMs?: number;
  /**
   * Where the newest refresh token is kept when HubSpot rotates it, so that a restart does
   * not fall back to a spent one (the proxy passes its store). Without it, a rotated token
   * lives as long as the process.
   */
  keep?: RefreshTokenKeep;
  /** Told when loading or saving the kept refresh token failed; the refresh goes on. */
  onKeepError?: (error: unknown) => void;
}

/** The newest refresh token of one install, kept across restarts. */
export interface RefreshTokenKeep {
  load(): Promise<string | undefined>;
  save(refreshToken: string): Promise<void>;
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

/** The token endpoint of an API base. */
export function tokenUrl(apiBase: string, path = '/oauth/v3/token'): string {
  return `${apiBase.replace(/\/+$/, '')}${path}`;
}

/**
 * One form-encoded POST to the token endpoint (v3 keeps secrets out of URLs). Resolves with
 * the status and the JSON answer; rejects only when no answer came.
 */
export async function postTokenForm(
  url: string,
  form: Record<string, string>,
  fetch: FetchLike,
  timeoutMs = 10_000,
): Promise<{ status: number; ok: boolean; json?: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch {
    throw new TokenRefreshError('the token endpoint could not be reached');
  }
  const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  return { status: res.status, ok: res.ok, json: json && typeof json === 'object' ? json : undefined };
}

/** An OAuth access token, refreshed before it expires; concurrent callers share one refresh. */
export function oauthToken(options: OAuthOptions): TokenSource {
  const now = options.now ?? Date.now;
  const early = options.refreshEarlyMs ?? 5 * 60_000;
  const url = tokenUrl(options.apiBase, options.tokenPath);
  let refreshToken = options.refreshToken;
  let loaded = !options.keep;
  let access: { token: string; expiresAt: number } | undefined;
  let refreshing: Promise<string> | undefined;
  let lastForcedAt = -Infinity;

  async function grant(token: string) {
    const form = { grant_type: 'refresh_token', client_id: options.clientId, client_secret: options.clientSecret, refresh_token: token };
    return postTokenForm(url, form, options.fetch, options.timeoutMs);
  }

  async function refresh(): Promise<string> {
    if (!loaded) {
      loaded = true;
      try {
        refreshToken = (await options.keep!.load()) ?? refreshToken;
      } catch (error) {
        options.onKeepError?.(error);
      }
    }
    let answer = await grant(refreshToken);
    // A kept token HubSpot no longer takes (revoked with its install, say): the configured
    // one is the only other candidate.
    if (!answer.ok && answer.status < 500 && refreshToken !== options.refreshToken) {
      const retried = await grant(options.refreshToken);
      if (retried.ok) {
        answer = retried;
        refreshToken = options.refreshToken;
      }
    }
    const { json } = answer;
    if (!answer.ok || !json) throw new TokenRefreshError(`the token endpoint answered ${answer.status}`, answer.status);
    const token = json.access_token ?? json.accessToken;
    const expiresIn = Number(json.expires_in ?? json.expiresIn);
    if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
      throw new TokenRefreshError('the token endpoint answered without an access token', answer.status);
    }
    const rotated = json.refresh_token ?? json.refreshToken;
    if (typeof rotated === 'string' && rotated && rotated !== refreshToken) {
      refreshToken = rotated;
      try {
        await options.keep?.save(rotated);
      } catch (error) {
        options.onKeepError?.(error);
      }
    }
    access = { token, expiresAt: now() + expiresIn * 1000 };
    return token;
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
      access = undefined;
      return true;
    },
    secrets: () => [options.clientSecret, options.refreshToken, ...(refreshToken !== options.refreshToken ? [refreshToken] : []), ...(access ? [access.token] : [])],
  };
}
