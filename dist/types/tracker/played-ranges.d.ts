/**
 * The record of what was played in one session: the runs of continuous playback, in the
 * order they happened. Quartile progress reads their union; the per-second attention span
 * (issue 5) will count, for each second, how many runs cover it. One record serves both,
 * so the two can never disagree.
 */
/** One stretch of continuous playback, `[from, to]` in seconds of media time. */
export type Run = [from: number, to: number];
/**
 * Records that the media played from `from` to `to`. Play that carries on where the last
 * run stopped extends it, so the record grows only with seeks, wraps and resumptions elsewhere.
 */
export declare function addPlay(runs: Run[], from: number, to: number): void;
/** The union of the runs, cut at `end`: sorted, disjoint intervals (what a "played" bar draws). */
export declare function union(runs: Run[], end: number): Run[];
/** Seconds of `[0, end]` played at least once: the length of the union, so re-watching counts once. */
export declare function playedSeconds(runs: Run[], end: number): number;
