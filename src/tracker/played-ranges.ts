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
export function addPlay(runs: Run[], from: number, to: number): void {
  const last = runs[runs.length - 1];
  if (last && last[1] == from) last[1] = to;
  else runs.push([from, to]);
}

/** The union of the runs, cut at `end`: sorted, disjoint intervals (what a "played" bar draws). */
export function union(runs: Run[], end: number): Run[] {
  const out: Run[] = [];
  for (const [from, until] of [...runs].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    const to = Math.min(until, end);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else if (to > from) out.push([from, to]);
  }
  return out;
}

/** Seconds of `[0, end]` played at least once: the length of the union, so re-watching counts once. */
export function playedSeconds(runs: Run[], end: number): number {
  // A loop, not `reduce`, which Prototype.js 1.6 replaces with another function (milestones.ts).
  let sum = 0;
  for (const [from, to] of union(runs, end)) sum += to - from;
  return sum;
}

/**
 * The share of a media of `duration` seconds played at least once, in whole percents rounded
 * down: the largest whole `p` with `played * 100 >= p * duration`. It is compared that way,
 * not read off `played * 100 / duration`, because that quotient rounds below a whole percent
 * for many ordinary durations: a whole play of 6.008 s gives 99.99999999999999, so dividing
 * would never reach 100 (issue 18). For a duration that is unknown (NaN), 0 or infinite (a
 * live stream) it is NaN or 0, so it reaches no milestone.
 */
export function playedPercent(runs: Run[], duration: number): number {
  const played = playedSeconds(runs, duration) * 100;
  const percent = Math.floor(played / duration);
  return played >= (percent + 1) * duration ? percent + 1 : percent;
}
