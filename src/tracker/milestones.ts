/** The quartiles HubSpot's media reports are built on. */
export const DEFAULT_MILESTONES = '25,50,75,100';

// A plain loop, as in played-ranges.ts: pages' old libraries replace the Array methods
// (Prototype.js's `filter` passes no third argument, its `reduce` is another function), and
// this runs at start-up (docs/tracker.md, "Browser support"). The milestones reached are
// found in session.ts, in the order this gives them.

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
