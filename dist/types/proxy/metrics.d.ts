/**
 * Counters and a latency histogram, written in the Prometheus text exposition format.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
import type { BacklogReport } from './backlog-report.js';
type Labels = Record<string, string>;
export declare class Metrics {
    private readonly families;
    private readonly latency;
    constructor();
    /** Adds `by` to a counter. */
    inc(name: string, labels?: Labels, by?: number): void;
    /** Sets a gauge. */
    set(name: string, value: number, labels?: Labels): void;
    /** The backlog gauges, from /healthz's report. */
    setBacklog(b: BacklogReport): void;
    /** Records one upstream request's latency, in ms. */
    observeLatency(ms: number): void;
    /** The text exposition. */
    render(): string;
    private define;
}
export {};
