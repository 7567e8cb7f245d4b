/**
 * What becomes of each forwarding attempt, told to the metrics, the log and the listeners:
 * forwarded, to be retried, or a dead letter.
 */
import type { ForwardOutcome } from './upstream/forwarder.js';
import type { Listeners } from './listeners.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
export interface OutcomeSinks {
    metrics: Metrics;
    listeners: Listeners;
    onListenerError: (error: unknown) => void;
    log: Logger;
}
export declare function outcomeRecorder({ metrics, listeners, onListenerError, log }: OutcomeSinks): (o: ForwardOutcome) => void;
