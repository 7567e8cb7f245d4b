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
export declare function staticToken(token: string): TokenSource;
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
export declare class TokenRefreshError extends Error {
    readonly status?: number | undefined;
    constructor(message: string, status?: number | undefined);
}
/** An OAuth access token, refreshed before it expires; concurrent callers share one refresh. */
export declare function oauthToken(options: OAuthOptions): TokenSource;
