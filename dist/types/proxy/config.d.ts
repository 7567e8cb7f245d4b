/**
 * The Node server's configuration, read from the environment. Pure: the environment comes in
 * as an object, and a bad value throws an error that names the variable.
 */
import type { ProxyOptions } from './core.js';
import type { LogLevel } from './log.js';
import { type BacklogPolicy } from './store/backlog-policy.js';
export interface ServerConfig {
    port: number;
    host: string;
    /** Directory of the SQLite outbox (unused with `redis`). */
    dataDir: string;
    /** With REDIS_URL: the shared queue in Redis, instead of the SQLite outbox. */
    redis?: RedisConfig;
    logLevel: LogLevel;
    /** What the outbox sends first under backlog (HUBSPOT_BACKLOG, HUBSPOT_BACKLOG_AFTER_MS). */
    backlog: BacklogPolicy;
    /** Everything but the outbox and the logger, which the server makes. */
    proxy: ProxyOptions;
}
/** The Redis store, from REDIS_URL and MEDIA_BRIDGE_QUEUE. */
export interface RedisConfig {
    url: string;
    queue: string;
}
type Env = Record<string, string | undefined>;
/** One variable the server reads: the value it takes when unset (none: no default), and what it does. */
export interface ServerVariable {
    fallback?: string;
    about: string;
}
/**
 * Every environment variable the server reads, in the order `--help` lists them. configFromEnv
 * reads a variable only through this table, its default included, so `--help`
 * (`serverHelp`) cannot leave one out or state another default.
 */
export declare const SERVER_VARIABLES: {
    PORT: {
        fallback: string;
        about: string;
    };
    HOST: {
        fallback: string;
        about: string;
    };
    HUBSPOT_ACCESS_TOKEN: {
        about: string;
    };
    HUBSPOT_CLIENT_ID: {
        about: string;
    };
    HUBSPOT_CLIENT_SECRET: {
        about: string;
    };
    HUBSPOT_REFRESH_TOKEN: {
        about: string;
    };
    HUBSPOT_MEDIA_OBJECTS: {
        fallback: string;
        about: string;
    };
    HUBSPOT_API_BASE: {
        fallback: string;
        about: string;
    };
    HUBSPOT_RATE_LIMIT: {
        fallback: string;
        about: string;
    };
    HUBSPOT_RATE_WINDOW_MS: {
        fallback: string;
        about: string;
    };
    HUBSPOT_TIMEOUT_MS: {
        fallback: string;
        about: string;
    };
    HUBSPOT_RETRY_BASE_MS: {
        fallback: string;
        about: string;
    };
    HUBSPOT_BACKLOG: {
        fallback: string;
        about: string;
    };
    HUBSPOT_BACKLOG_AFTER_MS: {
        fallback: string;
        about: string;
    };
    ALLOWED_ORIGINS: {
        about: string;
    };
    TRUST_PROXY: {
        fallback: string;
        about: string;
    };
    CLIENT_RATE_LIMIT: {
        fallback: string;
        about: string;
    };
    MEDIA_BRIDGE_DATA_DIR: {
        fallback: string;
        about: string;
    };
    REDIS_URL: {
        about: string;
    };
    MEDIA_BRIDGE_QUEUE: {
        fallback: string;
        about: string;
    };
    LOG_LEVEL: {
        fallback: string;
        about: string;
    };
};
export type ServerVariableName = keyof typeof SERVER_VARIABLES;
/** `media-bridge-proxy --help`: the commands, then every variable of SERVER_VARIABLES. */
export declare function serverHelp(): string;
export declare function configFromEnv(env: Env): ServerConfig;
/** An http(s) base URL from `name`, without its trailing slashes. */
export declare function httpBase(env: Env, name: string, otherwise: string): string;
export {};
