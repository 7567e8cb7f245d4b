/**
 * `LocalTokenStore`: OAuth's token store (OAuthTokenStore, ../upstream/oauth.ts) for the
 * stores one process owns, MemoryOutbox and SqliteOutbox. The access token stays in memory;
 * each install's newest refresh token goes to a shelf, the outbox's own (SQLite's is its
 * database file, mode 0600), so that a restart does not present one HubSpot rotated away.
 * The lock is a queue in this process.
 */
import type { OAuthTokens, OAuthTokenStore } from '../contracts/oauth-tokens.js';
import type { MaybePromise } from './outbox.js';
/** Where a store keeps the newest refresh token of each install. */
export interface RefreshTokenShelf {
    keptRefreshToken(install: string): MaybePromise<string | undefined>;
    keepRefreshToken(install: string, refreshToken: string): MaybePromise<void>;
}
/** A shelf in memory: what a MemoryOutbox, or an outbox that keeps no tokens, gets. */
export declare function memoryShelf(): RefreshTokenShelf;
export declare class LocalTokenStore implements OAuthTokenStore {
    private readonly shelf;
    private readonly held;
    private readonly queues;
    constructor(shelf?: RefreshTokenShelf);
    read(install: string): Promise<OAuthTokens | undefined>;
    /** Held in memory first: should the shelf fail, this process still has the newest. */
    write(install: string, tokens: OAuthTokens): Promise<void>;
    locked<T>(install: string, task: () => Promise<T>): Promise<T>;
}
