/**
 * `media-bridge-tracker/proxy/sqlite`: the durable outbox for Node, on SQLite
 * (better-sqlite3, an optional dependency).
 */
export { SqliteOutbox } from './store/sqlite-outbox.js';
export type { SqliteOutboxOptions } from './store/sqlite-outbox.js';
