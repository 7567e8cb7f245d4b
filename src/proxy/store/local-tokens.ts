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
export function memoryShelf(): RefreshTokenShelf {
  const kept = new Map<string, string>();
  return {
    keptRefreshToken: (install) => kept.get(install),
    keepRefreshToken: (install, token) => void kept.set(install, token),
  };
}

export class LocalTokenStore implements OAuthTokenStore {
  private readonly held = new Map<string, OAuthTokens>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly shelf: RefreshTokenShelf = memoryShelf()) {}

  async read(install: string): Promise<OAuthTokens | undefined> {
    const held = this.held.get(install);
    if (held) return { ...held };
    const refreshToken = await this.shelf.keptRefreshToken(install);
    return refreshToken ? { accessToken: '', expiresAt: 0, refreshToken } : undefined;
  }

  /** Held in memory first: should the shelf fail, this process still has the newest. */
  async write(install: string, tokens: OAuthTokens): Promise<void> {
    const before = this.held.get(install)?.refreshToken;
    this.held.set(install, { ...tokens });
    if (tokens.refreshToken !== before) await this.shelf.keepRefreshToken(install, tokens.refreshToken);
  }

  locked<T>(install: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(install) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => {});
    this.queues.set(install, tail);
    void tail.then(() => {
      if (this.queues.get(install) === tail) this.queues.delete(install);
    });
    return run;
  }
}
