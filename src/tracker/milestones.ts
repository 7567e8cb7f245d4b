/** The quartiles HubSpot's media reports are built on. */
export const DEFAULT_MILESTONES = '25,50,75,100';

// Plain loops, here and in played-ranges.ts: pages' old libraries replace the Array methods
// (Prototype.js's `filter` passes no third argument, its `reduce` is another function), and
// these run at start-up and on every timeupdate (docs/tracker.md, "Browser support").

/**
 * Reads a milestone list, `"25,50,75,100"` or `[25, 50]`: whole percents from 1 to 100, in
 * ascending order, each once (HubSpot's `playedPercent` is an integer). Anything else is dropped.
 */
export function parseMilestones(value: string | number[] | undefined): number[] {
  const out: number[] = [];
  for (const part of String(value == null ? DEFAULT_MILESTONES : value).split(',')) {
    const m = +part;
    if (m > 0 && m <= 100 && !(m % 1) && out.indexOf(m) < 0) out.push(m);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The milestones that `percent` of the media played (see `playedPercent`) reaches and that
 * are not in `sent` yet, in ascending order. NaN, for a duration unknown, 0 or infinite (a
 * live stream), reaches none: a share of it means nothing.
 */
export function reachedMilestones(milestones: number[], sent: number[], percent: number): number[] {
  const out: number[] = [];
  for (const m of milestones) if (sent.indexOf(m) < 0 && percent >= m) out.push(m);
  return out;
}
