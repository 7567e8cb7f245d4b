/**
 * Counters and a latency histogram, written in the Prometheus text exposition format.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
import type { BacklogReport } from './backlog-report.js';
import type { EventType } from '../wire.js';

const EVENT_TYPES: EventType[] = ['media-played', 'media-played-percent', 'attention-span'];

type Labels = Record<string, string>;

/** Upstream latency buckets, in seconds. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Family {
  help: string;
  /** Only shown once set (a gauge that means nothing for some stores). */
  optional?: boolean;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly latency = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };

  constructor() {
    this.define('media_bridge_events_received_total', 'counter', 'Events in requests that parsed as JSON.');
    this.define('media_bridge_events_accepted_total', 'counter', 'Events stored for forwarding (duplicates excluded).');
    this.define('media_bridge_events_duplicate_total', 'counter', 'Events dropped because their id was already known.');
    this.define('media_bridge_fields_shortened_total', 'counter', 'Descriptive fields (names, URLs) cut to their length cap instead of refused.');
    this.define('media_bridge_requests_rejected_total', 'counter', 'Ingest requests refused, by reason.');
    this.define('media_bridge_events_forwarded_total', 'counter', 'Events HubSpot accepted, by event type.');
    this.define('media_bridge_events_retried_total', 'counter', 'Upstream attempts that will be retried, by reason.');
    this.define('media_bridge_events_dead_lettered_total', 'counter', 'Events given up on, by HubSpot status.');
    this.define('media_bridge_upstream_requests_total', 'counter', 'Requests to HubSpot, by outcome (HTTP status, timeout, network).');
    this.define('media_bridge_outbox_pending', 'gauge', 'Events waiting to be forwarded.');
    this.define('media_bridge_outbox_oldest_pending_age_seconds', 'gauge', 'Age of the oldest waiting event.');
    this.define('media_bridge_outbox_dead_letters', 'gauge', 'Dead letters kept in the outbox.');
    this.define('media_bridge_outbox_waiting', 'gauge', 'Events waiting to be forwarded, by event type.');
    this.define('media_bridge_outbox_backlog', 'gauge', '1 while the oldest waiting event has waited past HUBSPOT_BACKLOG_AFTER_MS (the backlog order applies).');
    this.define('media_bridge_send_rate_per_second', 'gauge', 'Events delivered per second over the last minute (every instance on a shared store).');
    this.define('media_bridge_outbox_drain_seconds', 'gauge', 'Projected time to send what waits at the current send rate (NaN when nothing was delivered lately).');
    this.define('media_bridge_events_superseded_total', 'counter', 'Quartiles dropped under backlog because a higher one of the same session replaced them (HUBSPOT_BACKLOG=coalesce).');
    this.define('media_bridge_upstream_in_flight', 'gauge', 'Requests to HubSpot in flight.');
    this.define('media_bridge_upstream_paused', 'gauge', '1 while sending is paused (backing off, daily limit, unauthorized).');
    this.define('media_bridge_store_connected', 'gauge', '1 while this instance is connected to its shared store (Redis).', true);
    this.define('media_bridge_media_object_requests_total', 'counter', 'Media-object calls to HubSpot (list, create), by outcome (HTTP status, timeout, network).');
    this.define('media_bridge_media_objects_known', 'gauge', 'Media objects the catalog knows the id of (with HUBSPOT_MEDIA_OBJECTS=create).', true);
    this.define('media_bridge_media_objects_failed', 'gauge', 'Media objects HubSpot refused to create (with HUBSPOT_MEDIA_OBJECTS=create).', true);
  }

  /** Adds `by` to a counter. */
  inc(name: string, labels?: Labels, by = 1): void {
    const family = this.families.get(name);
    if (!family) throw new Error(`unknown metric ${name}`);
    const key = labelKey(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + by);
  }

  /** Sets a gauge. */
  set(name: string, value: number, labels?: Labels): void {
    const family = this.families.get(name);
    if (!family) throw new Error(`unknown metric ${name}`);
    family.values.set(labelKey(labels), value);
  }

  /** The backlog gauges, from /healthz's report. */
  setBacklog(b: BacklogReport): void {
    for (const type of EVENT_TYPES) this.set('media_bridge_outbox_waiting', b.waiting[type] ?? 0, { type });
    this.set('media_bridge_outbox_backlog', b.active ? 1 : 0);
    this.set('media_bridge_send_rate_per_second', b.sendRatePerSecond);
    this.set('media_bridge_outbox_drain_seconds', b.drainSeconds ?? NaN);
    this.set('media_bridge_events_superseded_total', b.superseded);
  }

  /** Records one upstream request's latency, in ms. */
  observeLatency(ms: number): void {
    const s = ms / 1000;
    this.latency.sum += s;
    this.latency.count++;
    LATENCY_BUCKETS.forEach((le, i) => {
      if (s <= le) this.latency.counts[i]++;
    });
  }

  /** The text exposition. */
  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      if (f.optional && f.values.size === 0) continue;
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.values.size === 0) lines.push(`${name} 0`);
      for (const [key, v] of f.values) lines.push(`${name}${key} ${v}`);
    }
    const h = 'media_bridge_upstream_latency_seconds';
    lines.push(`# HELP ${h} Time HubSpot took to answer.`, `# TYPE ${h} histogram`);
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${this.latency.counts[i]}`));
    lines.push(`${h}_bucket{le="+Inf"} ${this.latency.count}`, `${h}_sum ${this.latency.sum}`, `${h}_count ${this.latency.count}`);
    return `${lines.join('\n')}\n`;
  }

  private define(name: string, type: 'counter' | 'gauge', help: string, optional = false): void {
    this.families.set(name, { help, type, values: new Map(), optional });
  }
}

function labelKey(labels?: Labels): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
