import type { RedisLink } from './connection.js';
import type { OAuthTokenStore, OAuthTokens } from '../../upstream/oauth.js';
import type { RedisKeys } from './keys.js';
export declare class RedisTokenStore implements OAuthTokenStore {
    private readonly link;
    private readonly keys;
    private readonly redis;
    constructor(link: RedisLink, keys: RedisKeys);
    read(): Promise<OAuthTokens | undefined>;
    refresh(usable: (t: OAuthTokens) => boolean, refresh: (refreshToken: string | undefined) => Promise<OAuthTokens>): Promise<OAuthTokens>;
}
