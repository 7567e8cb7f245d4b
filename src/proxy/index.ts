/**
 * `media-bridge-tracker/proxy`: the proxy that holds the HubSpot token.
 *
 * Runtime-neutral at import time (no `node:` modules, no SQLite), so a Cloudflare Worker can
 * import it. The durable SQLite outbox is `media-bridge-tracker/proxy/sqlite`.
 */
export { createMediaBridgeProxy } from './core.js';
export type { Health, HubSpotOptions, MediaBridgeProxy, ProxyOptions, ProxyReply, ProxyRequest } from './core.js';
export { createFetchHandler } from './fetch-handler.js';
export type { FetchHandlerOptions } from './fetch-handler.js';
export { createNodeHandler } from './node-adapter.js';
export type { NodeHandler } from './node-adapter.js';
export { mediaBridgeMiddleware } from './express.js';
export type { Middleware } from './express.js';
export { MemoryOutbox } from './outbox.js';
export type { MaybePromise, Outbox, OutboxEvent, OutboxOptions, OutboxStats, OutboxStatus } from './outbox.js';
export { oauthToken, staticToken, TokenRefreshError } from './oauth.js';
export type { OAuthOptions, TokenSource } from './oauth.js';
export { validateBody } from './validate.js';
export type { Problem, ProblemCode, ValidationOptions } from './validate.js';
export { createLogger, silentLogger } from './log.js';
export type { Logger, LoggerOptions, LogLevel } from './log.js';
export { configFromEnv } from './config.js';
export type { ServerConfig } from './config.js';
export type { RetryPolicy, UpstreamError } from './backoff.js';
export type { EventNotice, ProxyEventName, ProxyEvents, UpstreamOutcome } from './listeners.js';
export type { WireBody, WireEvent } from '../wire.js';
