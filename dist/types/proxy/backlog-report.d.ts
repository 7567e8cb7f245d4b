/**
 * Where the queue stands against HubSpot's limit (issue 17), for /healthz and /metrics: what
 * waits, by type, how old the oldest is, the send rate of the last minute, and the projected
 * time to drain (waiting ÷ rate). `DrainWatch` logs once when the projection passes 15
 * minutes, and once when it is back under.
 */
import type { EventType } from '../wire.js';
import type { Logger } from './log.js';
import { type BacklogMode, type BacklogPolicy } from './store/backlog-policy.js';
import type { OutboxStats } from './store/outbox.js';
export interface BacklogReport {
    /** HUBSPOT_BACKLOG: what goes first under backlog. */
    policy: BacklogMode;
    /** HUBSPOT_BACKLOG_AFTER_MS, in seconds: the wait past which the queue is in backlog. */
    afterSeconds: number;
    /** Whether the queue is in backlog now (its oldest event waited past the threshold). */
    active: boolean;
    /** Waiting events by type. */
    waiting: Partial<Record<EventType, number>>;
    oldestAgeSeconds: number | null;
    /** Events delivered per second over the last minute (every instance's, with a shared store). */
    sendRatePerSecond: number;
    /** Waiting ÷ rate; 0 when nothing waits, null when events wait and none were delivered lately. */
    drainSeconds: number | null;
    /** Quartiles dropped as superseded so far (HUBSPOT_BACKLOG=coalesce). */
    superseded: number;
}
export declare function backlogReport(stats: OutboxStats, now: number, policy?: BacklogPolicy): BacklogReport;
/** Says once when the projected drain passes `thresholdS`, and once when it is back under. */
export declare class DrainWatch {
    private readonly log;
    private readonly thresholdS;
    private over;
    constructor(log: Logger, thresholdS?: number);
    observe(report: BacklogReport): void;
}
