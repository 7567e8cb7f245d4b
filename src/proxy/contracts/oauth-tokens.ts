/**
 * Where OAuth's tokens are kept: the contract between the token source (upstream/oauth.ts,
 * which decides when to refresh and with which token) and the stores that keep them
 * (store/local-tokens.ts, store/redis/tokens.ts).
 */
import type { MaybePromise } from './maybe-promise.js';

/** What the token endpoint gave, as kept. */
export interface OAuthTokens {
  /** The access token; empty where a store keeps only the refresh token. */
  accessToken: string;
  /** When the access token expires (ms since the epoch); 0 with no access token. */
  expiresAt: number;
  /** The newest refresh token (HubSpot may rotate it on each refresh). */
  refreshToken: string;
}

/**
 * Where OAuth keeps its tokens, per install (a fingerprint of the client id and the
 * configured refresh token, see `installOf`): the newest refresh token, so that a restart,
 * or another instance, does not present one HubSpot has rotated away, and where a store is
 * shared by several instances (Redis), one access token for all, refreshed under a lock by
 * one instance at a time. Every store of this package provides one (`Outbox.tokenStore`):
 * memory and SQLite through `LocalTokenStore`, Redis its own. The decisions (when to
 * refresh, with which token, what to do when one is refused) are oauthToken's, whatever
 * the store.
 */
export interface OAuthTokenStore {
  /** The tokens kept for `install`, if any. */
  read(install: string): MaybePromise<OAuthTokens | undefined>;
  /** Keeps `tokens` as `install`'s newest. */
  write(install: string, tokens: OAuthTokens): MaybePromise<void>;
  /** Runs `task` holding `install`'s lock, which one caller at a time holds (of every instance sharing the store). */
  locked<T>(install: string, task: () => Promise<T>): Promise<T>;
}
