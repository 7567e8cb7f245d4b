/**
 * Where the Redis store keeps what. BullMQ's keys are `<prefix>:<queue>:<name>`; the store's
 * own sit beside them as `<prefix>:<queue>:mb:<name>`, so one queue name holds everything,
 * and a prefix in braces (`{bull}`) keeps it all in one Redis Cluster slot.
 */
export declare class RedisKeys {
    readonly prefix: string;
    readonly queue: string;
    /** BullMQ's job key prefix: a job's hash is `jobPrefix + jobId`. */
    readonly jobPrefix: string;
    /** Event ids seen, by when they were accepted: drops resends for 7 days. */
    readonly ids: string;
    /** The arrival counter (an event's seq). */
    readonly seq: string;
    /** Events not yet answered for good, by when they were accepted. */
    readonly pending: string;
    /** The latest event ids, newest first. */
    readonly recent: string;
    /** Each waiting job's backlog tier (see rankEvents-3.lua). */
    readonly tiers: string;
    /** "1" while the queue is in backlog (see setBacklog-3.lua). */
    readonly backlog: string;
    /** Waiting events by type. */
    readonly waiting: string;
    /** Events delivered in the last minute, by when (the send rate). */
    readonly delivered: string;
    /** How many quartiles were dropped as superseded. */
    readonly superseded: string;
    /** HubSpot's rolling window, shared by every instance (see takeSendSlots-3.lua). */
    readonly window: string;
    /** A pause of all sending, shared by every instance. */
    readonly pause: string;
    /** Requests that go before events for the next free slot (media-object calls). */
    readonly waiters: string;
    /** The media catalog: each object's record (JSON) by `mediaType:externalId`. */
    readonly mediaObjects: string;
    /** When each media type's last complete listing ended, by media type. */
    readonly mediaListed: string;
    private readonly base;
    constructor(prefix: string, queue: string);
    /** An OAuth install's access token and newest refresh token (see ./tokens.ts). */
    oauth(install: string): string;
    /** The lock of the one instance refreshing an install's tokens. */
    oauthLock(install: string): string;
    /** The claim on creating one media object (see claimMediaObject-2.lua). */
    mediaClaim(field: string): string;
    /** A session's hash: whether it had a media-played, and which are pending. */
    session(sessionId: string): string;
}
/**
 * The BullMQ job id of an event: its wire id, with `%` and `:` escaped (BullMQ reads a
 * colon as a separator) and an `e` in front (BullMQ refuses ids that look like integers).
 */
export declare function jobIdOf(eventId: string): string;
