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
import type { OAuthTokens, OAuthTokenStore } from '../contracts/oauth-tokens.js';
import { LocalTokenStore } from '../store/local-tokens.js';

export type { OAuthTokens, OAuthTokenStore };

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
  /** The refresh token of the install, as configured (HUBSPOT_REFRESH_TOKEN). */
  refreshToken: string;
  apiBase: string;
  fetch: FetchLike;
  /** Where the tokens are kept (the proxy passes its outbox's). Default: in this process only. */
  store?: OAuthTokenStore;
  /** Told when reading or writing the kept tokens failed; the refresh goes on without them. */
  onKeepError?: (error: unknown) => void;
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

/**
 * The install a refresh token belongs to: a SHA-256 fingerprint of the client id and the
 * configured refresh token. A new token in the environment (the app installed again) is a
 * new install, so it is used as given instead of an old one's rotation kept in the store.
 */
export async function installOf(clientId: string, configuredRefreshToken: string): Promise<string> {
  // WebCrypto: in Node 20, Workers, Deno and Bun alike.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${clientId}\n${configuredRefreshToken}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * An OAuth access token, refreshed before it expires; concurrent callers share one refresh.
 *
 * A refresh takes the store's lock, uses the tokens kept there if another instance has just
 * refreshed, and otherwise presents, in turn, the refresh token kept in the store, the one
 * this process last had, and the configured one, moving on only when HubSpot refuses one
 * (a 4xx: spent, or revoked). What HubSpot answers is kept in the store, rotated refresh
 * token included, before the lock is let go.
 */
export function oauthToken(options: OAuthOptions): TokenSource {
  const now = options.now ?? Date.now;
  const early = options.refreshEarlyMs ?? 5 * 60_000;
  const url = tokenUrl(options.apiBase, options.tokenPath);
  const store = options.store ?? new LocalTokenStore();
  let install: Promise<string> | undefined;
  let refreshToken = options.refreshToken;
  let access: { token: string; expiresAt: number } | undefined;
  let refreshing: Promise<string> | undefined;
  let lastForcedAt = -Infinity;
  /** The token HubSpot last refused: a store may still hold it, and it must not be used again. */
  let refused: string | undefined;
  const usable = (t: OAuthTokens) => t.accessToken !== '' && t.accessToken !== refused && now() < t.expiresAt - early;

  function adopt(t: OAuthTokens): string {
    refreshToken = t.refreshToken;
    access = { token: t.accessToken, expiresAt: t.expiresAt };
    return t.accessToken;
  }

  async function refresh(): Promise<string> {
    const id = await (install ??= installOf(options.clientId, options.refreshToken));
    const kept = await readKept(id);
    if (kept && usable(kept)) return adopt(kept);
    return adopt(
      await store.locked(id, async () => {
        const latest = await readKept(id);
        if (latest && usable(latest)) return latest; // another instance refreshed meanwhile
        const fresh = await grantFrom([latest?.refreshToken, refreshToken, options.refreshToken]);
        try {
          await store.write(id, fresh);
        } catch (error) {
          options.onKeepError?.(error);
        }
        return fresh;
      }),
    );
  }

  async function readKept(id: string): Promise<OAuthTokens | undefined> {
    try {
      return await store.read(id);
    } catch (error) {
      options.onKeepError?.(error);
      return undefined;
    }
  }

  /** Tries each distinct candidate in turn until HubSpot takes one. */
  async function grantFrom(candidates: Array<string | undefined>): Promise<OAuthTokens> {
    const tried = new Set<string>();
    let refusal: TokenRefreshError | undefined;
    for (const candidate of candidates) {
      if (!candidate || tried.has(candidate)) continue;
      tried.add(candidate);
      try {
        return await grant(candidate);
      } catch (error) {
        const status = error instanceof TokenRefreshError ? error.status : undefined;
        if (status === undefined || status < 400 || status >= 500) throw error;
        refusal = error as TokenRefreshError;
      }
    }
    throw refusal ?? new TokenRefreshError('no refresh token to present');
  }

  async function grant(refreshWith: string): Promise<OAuthTokens> {
    const form = { grant_type: 'refresh_token', client_id: options.clientId, client_secret: options.clientSecret, refresh_token: refreshWith };
    const answer = await postTokenForm(url, form, options.fetch, options.timeoutMs);
    const { json } = answer;
    if (!answer.ok || !json) throw new TokenRefreshError(`the token endpoint answered ${answer.status}`, answer.status);
    const token = json.access_token ?? json.accessToken;
    const expiresIn = Number(json.expires_in ?? json.expiresIn);
    if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
      throw new TokenRefreshError('the token endpoint answered without an access token', answer.status);
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
    secrets: () => [options.clientSecret, options.refreshToken, ...(refreshToken !== options.refreshToken ? [refreshToken] : []), ...(access ? [access.token] : [])],
  };
}
