/** The quartiles HubSpot's media reports are built on. */
export declare const DEFAULT_MILESTONES = "25,50,75,100";
/**
 * Reads a milestone list, `"25,50,75,100"` or `[25, 50]`: whole percents from 1 to 100, in
 * ascending order, each once (HubSpot's `playedPercent` is an integer). Anything else is dropped.
 */
export declare function parseMilestones(value: string | number[] | undefined): number[];
