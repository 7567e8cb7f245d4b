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
export declare function staticToken(token: string): TokenSource;
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
export declare class TokenRefreshError extends Error {
    readonly status?: number | undefined;
    constructor(message: string, status?: number | undefined);
}
/** The token endpoint of an API base. */
export declare function tokenUrl(apiBase: string, path?: string): string;
/**
 * One form-encoded POST to the token endpoint (v3 keeps secrets out of URLs). Resolves with
 * the status and the JSON answer; rejects only when no answer came.
 */
export declare function postTokenForm(url: string, form: Record<string, string>, fetch: FetchLike, timeoutMs?: number): Promise<{
    status: number;
    ok: boolean;
    json?: Record<string, unknown>;
}>;
/**
 * The install a refresh token belongs to: a SHA-256 fingerprint of the client id and the
 * configured refresh token. A new token in the environment (the app installed again) is a
 * new install, so it is used as given instead of an old one's rotation kept in the store.
 */
export declare function installOf(clientId: string, configuredRefreshToken: string): Promise<string>;
/**
 * An OAuth access token, refreshed before it expires; concurrent callers share one refresh.
 *
 * A refresh takes the store's lock, uses the tokens kept there if another instance has just
 * refreshed, and otherwise presents, in turn, the refresh token kept in the store, the one
 * this process last had, and the configured one, moving on only when HubSpot refuses one
 * (a 4xx: spent, or revoked). What HubSpot answers is kept in the store, rotated refresh
 * token included, before the lock is let go.
 */
export declare function oauthToken(options: OAuthOptions): TokenSource;
