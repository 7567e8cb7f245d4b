import type { Redis } from 'ioredis';
import type { OAuthTokenStore, OAuthTokens } from '../../upstream/oauth.js';
import type { RedisKeys } from './keys.js';
export declare class RedisTokenStore implements OAuthTokenStore {
    private readonly redis;
    private readonly keys;
    constructor(redis: Redis, keys: RedisKeys);
    read(): Promise<OAuthTokens | undefined>;
    refresh(usable: (t: OAuthTokens) => boolean, refresh: (refreshToken: string | undefined) => Promise<OAuthTokens>): Promise<OAuthTokens>;
}
