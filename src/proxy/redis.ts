/**
 * `media-bridge-tracker/proxy/redis`: the outbox for several proxy instances sharing one
 * queue in Redis, on BullMQ (bullmq and ioredis, optional dependencies). Node only.
 */
export { RedisOutbox, DEFAULT_QUEUE } from './store/redis/outbox.js';
export type { RedisOutboxOptions } from './store/redis/outbox.js';
export type { StoreConnection } from './store/outbox.js';
export type { UpstreamGate, Admission, Pause, PauseReason } from './upstream/gate.js';
export type { OAuthTokenStore, OAuthTokens } from './upstream/oauth.js';
