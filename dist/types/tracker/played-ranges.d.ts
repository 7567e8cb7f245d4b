/**
 * The record of what was played in one session: the runs of continuous playback, in the
 * order they happened. Quartile progress reads their union; the attention span
 * (attention-span.ts) counts, for each span of the media, how many runs cover it. One record
 * serves both, so the two can never disagree.
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
/**
 * The share of a media of `duration` seconds played at least once, in whole percents rounded
 * down: the largest whole `p` with `played * 100 >= p * duration`. It is compared that way,
 * not read off `played * 100 / duration`, because that quotient rounds below a whole percent
 * for many ordinary durations: a whole play of 6.008 s gives 99.99999999999999, so dividing
 * would never reach 100 (issue 18). For a duration that is unknown (NaN), 0 or infinite (a
 * live stream) it is NaN or 0, so it reaches no milestone.
 */
export declare function playedPercent(runs: Run[], duration: number): number;
