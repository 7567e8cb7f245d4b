/** What a contract's method returns: a value at once (memory, SQLite) or a promise (Redis, any remote store). */
export type MaybePromise<T> = T | Promise<T>;
