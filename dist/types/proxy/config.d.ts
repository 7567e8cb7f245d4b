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
export declare function configFromEnv(env: Env): ServerConfig;
/** An http(s) base URL from `name`, without its trailing slashes. */
export declare function httpBase(env: Env, name: string, fallback: string): string;
export {};
