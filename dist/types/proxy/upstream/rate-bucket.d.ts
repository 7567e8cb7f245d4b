export interface RateBucketOptions {
    /** Requests allowed in any window. */
    limit: number;
    /** The window, in ms. Default 10,000 (HubSpot's TEN_SECONDLY_ROLLING). */
    windowMs?: number;
    /** Extra time a token stays spent, in ms. Default 250, or a 40th of a shorter window than 10 s. */
    marginMs?: number;
}
export declare class RateBucket {
    readonly limit: number;
    /** How long after a completion its token comes back. */
    readonly holdMs: number;
    private inFlight;
    /** Completion times, in the order they happened (so, ascending); `head` skips returned ones. */
    private done;
    private head;
    constructor(options: RateBucketOptions);
    /**
     * Restores the start times of requests made before a restart, each counted as completing
     * `completedAfterMs` after it started. Times in the future count as now.
     */
    restore(starts: Iterable<number>, completedAfterMs: number, now: number): void;
    /** Tokens free at `now`. */
    available(now: number): number;
    /** Takes a token for a request starting now; false (and nothing taken) when none is free. */
    take(now: number): boolean;
    /** A token taken for a request that was never sent: it is free again at once. */
    release(): void;
    /** The request that took a token completed (answered, failed or timed out) at `now`. */
    complete(now: number): void;
    /** When the next token comes back: `now` if one is free, Infinity if only a completion can free one. */
    nextFreeAt(now: number): number;
    private expire;
}
