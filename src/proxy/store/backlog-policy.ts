/**
 * What goes first when HubSpot's limit cannot keep up (issue 17): one pure policy that every
 * store applies. The stores keep each waiting event's tier (`tierOf`) and, while the queue is
 * in backlog (`inBacklog`), hand events out by tier, then arrival; otherwise by arrival alone.
 *
 * Tiers, in value order:
 *   0. `media-played`: it makes the timeline entry (and its session's other events wait for it);
 *   1. a session's highest quartile: the furthest it is known to have played;
 *   2. attention spans;
 *   3. quartiles below a higher one of the same session (superseded), oldest first.
 *
 * With `coalesce`, a superseded quartile reached under backlog is dropped instead of sent,
 * and counted (/metrics `media_bridge_events_superseded_total`).
 */
import type { EventType } from '../../wire.js';

/** `fifo`: arrival order always (as before 0.2); `priority` (default): value order under backlog; `coalesce`: that, and superseded quartiles dropped under backlog. */
export type BacklogMode = 'fifo' | 'priority' | 'coalesce';

export const BACKLOG_MODES: readonly BacklogMode[] = ['fifo', 'priority', 'coalesce'];

export interface BacklogPolicy {
  mode: BacklogMode;
  /** The queue is in backlog while its oldest event has waited longer than this. Default 30,000 ms. */
  afterMs: number;
}

export const DEFAULT_BACKLOG_AFTER_MS = 30_000;
export const DEFAULT_BACKLOG: BacklogPolicy = { mode: 'priority', afterMs: DEFAULT_BACKLOG_AFTER_MS };

export const TIER_PLAYED = 0;
export const TIER_TOP_QUARTILE = 1;
export const TIER_ATTENTION = 2;
export const TIER_SUPERSEDED = 3;

/**
 * An event's tier. `percent` is a quartile's `playedPercent`; `sessionTop` the highest
 * quartile of its session accepted before it (undefined when none).
 */
export function tierOf(type: EventType, percent?: number, sessionTop?: number): number {
  if (type === 'media-played') return TIER_PLAYED;
  if (type === 'attention-span') return TIER_ATTENTION;
  return sessionTop !== undefined && percent !== undefined && percent < sessionTop ? TIER_SUPERSEDED : TIER_TOP_QUARTILE;
}

/** Whether a quartile of `percent` arriving demotes its session's earlier top quartile of `previousTop`. */
export function supersedes(percent: number, previousTop: number | undefined): boolean {
  return previousTop !== undefined && percent > previousTop;
}

/** Whether the queue is in backlog: its oldest event has waited longer than the threshold. */
export function inBacklog(policy: BacklogPolicy, oldestPendingAt: number | undefined, now: number): boolean {
  return policy.mode !== 'fifo' && oldestPendingAt !== undefined && now - oldestPendingAt > policy.afterMs;
}

/** The tier a store orders by now: its own under backlog, one tier for all otherwise (arrival order). */
export function orderTier(tier: number, backlog: boolean): number {
  return backlog ? tier : 0;
}

/** Whether a claimed event is dropped as superseded instead of sent. */
export function dropsAsSuperseded(policy: BacklogPolicy, tier: number, backlog: boolean): boolean {
  return backlog && policy.mode === 'coalesce' && tier === TIER_SUPERSEDED;
}

/** Reads HUBSPOT_BACKLOG's value. */
export function parseBacklogMode(raw: string): BacklogMode {
  const v = raw.trim().toLowerCase();
  if ((BACKLOG_MODES as readonly string[]).includes(v)) return v as BacklogMode;
  throw new Error(`HUBSPOT_BACKLOG must be ${BACKLOG_MODES.join(', ')}`);
}
