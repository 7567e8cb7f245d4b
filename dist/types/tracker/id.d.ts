/**
 * A random id for a session (an event's id is derived from its session's: payload.ts).
 * `crypto.randomUUID` exists only in secure contexts; a page served over plain http gets 52
 * random bits and the time instead, which is enough for the proxy to tell sessions apart.
 */
export declare function newId(): string;
