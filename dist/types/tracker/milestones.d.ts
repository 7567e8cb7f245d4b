/** The quartiles HubSpot's media reports are built on. */
export declare const DEFAULT_MILESTONES = "25,50,75,100";
/**
 * Reads a milestone list, `"25,50,75,100"` or `[25, 50]`: whole percents from 1 to 100, in
 * ascending order, each once (HubSpot's `playedPercent` is an integer). Anything else is dropped.
 */
export declare function parseMilestones(value: string | number[] | undefined): number[];
/**
 * The milestones that `percent` of the media played (see `playedPercent`) reaches and that
 * are not in `sent` yet, in ascending order. NaN, for a duration unknown, 0 or infinite (a
 * live stream), reaches none: a share of it means nothing.
 */
export declare function reachedMilestones(milestones: number[], sent: number[], percent: number): number[];
