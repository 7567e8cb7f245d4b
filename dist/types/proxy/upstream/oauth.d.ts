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
/** An OAuth access token, refreshed before it expires; concurrent callers share one refresh. */
export declare function oauthToken(options: OAuthOptions): TokenSource;
