/**
 * Where the queue stands against HubSpot's limit (issue 17), for /healthz and /metrics: what
 * waits, by type, how old the oldest is, the send rate of the last minute, and the projected
 * time to drain (waiting ÷ rate). `DrainWatch` logs once when the projection passes 15
 * minutes, and once when it is back under.
 */
import type { EventType } from '../wire.js';
import type { Logger } from './log.js';
import { DEFAULT_BACKLOG, inBacklog, type BacklogMode, type BacklogPolicy } from './store/backlog-policy.js';
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

/** The shortest span a rate is measured over, so a first burst does not read as a huge rate. */
const MIN_RATE_SPAN_MS = 1_000;

export function backlogReport(stats: OutboxStats, now: number, policy: BacklogPolicy = DEFAULT_BACKLOG): BacklogReport {
  const delivered = stats.delivered ?? { count: 0, since: now };
  const rate = delivered.count / (Math.max(MIN_RATE_SPAN_MS, now - delivered.since) / 1000);
  const oldestAgeSeconds = stats.oldestPendingAt === undefined ? null : Math.max(0, (now - stats.oldestPendingAt) / 1000);
  return {
    policy: policy.mode,
    afterSeconds: policy.afterMs / 1000,
    active: inBacklog({ ...policy, mode: 'priority' }, stats.oldestPendingAt, now),
    waiting: stats.waiting ?? {},
    oldestAgeSeconds,
    sendRatePerSecond: round(rate),
    drainSeconds: stats.pending === 0 ? 0 : rate > 0 ? round(stats.pending / rate) : null,
    superseded: stats.superseded ?? 0,
  };
}

/** Says once when the projected drain passes `thresholdS`, and once when it is back under. */
export class DrainWatch {
  private over = false;

  constructor(
    private readonly log: Logger,
    private readonly thresholdS = 15 * 60,
  ) {}

  observe(report: BacklogReport): void {
    const { drainSeconds } = report;
    if (drainSeconds === null) return; // nothing delivered lately (a pause): no projection to judge by
    const fields = { drainSeconds, waiting: report.waiting, sendRatePerSecond: report.sendRatePerSecond, oldestAgeSeconds: report.oldestAgeSeconds };
    if (!this.over && drainSeconds > this.thresholdS) {
      this.over = true;
      this.log.warn(`backlog: the queue will take over ${this.thresholdS / 60} minutes to drain at the current send rate (see docs/capacity.md)`, fields);
    } else if (this.over && drainSeconds <= this.thresholdS) {
      this.over = false;
      this.log.info(`backlog: the projected drain is back under ${this.thresholdS / 60} minutes`, fields);
    }
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
