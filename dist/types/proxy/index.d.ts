/**
 * `media-bridge-tracker/proxy`: the proxy that holds the HubSpot token.
 *
 * Runtime-neutral at import time (no `node:` modules, no SQLite), so a Cloudflare Worker can
 * import it. The durable SQLite outbox is `media-bridge-tracker/proxy/sqlite`.
 */
export { createMediaBridgeProxy } from './core.js';
export type { Health, HubSpotOptions, MediaBridgeProxy, ProxyOptions, ProxyReply, ProxyRequest } from './core.js';
export { createFetchHandler } from './http/fetch-handler.js';
export type { FetchHandlerOptions } from './http/fetch-handler.js';
export { createNodeHandler } from './http/node-adapter.js';
export type { NodeHandler } from './http/node-adapter.js';
export { mediaBridgeMiddleware } from './http/express.js';
export type { Middleware } from './http/express.js';
export { MemoryOutbox } from './store/memory-outbox.js';
export type { MaybePromise } from './contracts/maybe-promise.js';
export type { Outbox, OutboxEvent, OutboxOptions, OutboxStats, OutboxStatus } from './store/outbox.js';
export { MemoryPortalStore } from './store/memory-portal.js';
export { isPortalStore } from './store/portal-store.js';
export type { MediaCatalogSnapshot, MediaObjectKey, MediaObjectRecord, PortalStore } from './store/portal-store.js';
export type { CatalogHealth } from './upstream/media-catalog.js';
export { installOf, oauthToken, staticToken, TokenRefreshError } from './upstream/oauth.js';
export type { OAuthOptions, TokenSource } from './upstream/oauth.js';
export type { OAuthTokens, OAuthTokenStore } from './contracts/oauth-tokens.js';
export { LocalTokenStore } from './store/local-tokens.js';
export type { RefreshTokenShelf } from './store/local-tokens.js';
export { validateBody } from './http/validate.js';
export type { Problem, ProblemCode, ValidationOptions } from './http/validate.js';
export { createLogger, silentLogger } from './log.js';
export type { Logger, LoggerOptions, LogLevel } from './log.js';
export { configFromEnv, SERVER_VARIABLES, serverHelp } from './config.js';
export type { RedisConfig, ServerConfig, ServerVariable, ServerVariableName } from './config.js';
export type { RetryPolicy } from './upstream/backoff.js';
export type { UpstreamError } from './contracts/upstream-error.js';
export type { EventNotice, ProxyEventName, ProxyEvents, UpstreamOutcome } from './listeners.js';
export type { WireBody, WireEvent } from '../wire.js';
