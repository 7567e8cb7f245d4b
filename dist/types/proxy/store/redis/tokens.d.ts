import type { RedisLink } from './connection.js';
import type { OAuthTokenStore, OAuthTokens } from '../../contracts/oauth-tokens.js';
import type { RedisKeys } from './keys.js';
export declare class RedisTokenStore implements OAuthTokenStore {
    private readonly link;
    private readonly keys;
    private readonly redis;
    constructor(link: RedisLink, keys: RedisKeys);
    read(install: string): Promise<OAuthTokens | undefined>;
    write(install: string, tokens: OAuthTokens): Promise<void>;
    locked<T>(install: string, task: () => Promise<T>): Promise<T>;
}
