/**
 * What becomes of each forwarding attempt, told to the metrics, the log and the listeners:
 * forwarded, to be retried, or a dead letter.
 */
import type { ForwardOutcome } from './upstream/forwarder.js';
import type { UpstreamResult } from './upstream/backoff.js';
import type { EventNotice, Listeners, UpstreamOutcome } from './listeners.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

export interface OutcomeSinks {
  metrics: Metrics;
  listeners: Listeners;
  onListenerError: (error: unknown) => void;
  log: Logger;
}

export function outcomeRecorder({ metrics, listeners, onListenerError, log }: OutcomeSinks): (o: ForwardOutcome) => void {
  return function recordOutcome(o) {
    const { event } = o;
    const notice: EventNotice = { id: event.id, type: event.type, sessionId: event.sessionId, event: event.event };
    const outcome = o.result && upstreamOutcome(o.result);
    if (o.result) {
      metrics.inc('media_bridge_upstream_requests_total', { outcome: String(o.result.status ?? o.result.failure) });
      metrics.observeLatency(o.result.latencyMs);
    }
    switch (o.kind) {
      case 'forwarded':
        metrics.inc('media_bridge_events_forwarded_total', { type: event.type });
        listeners.emit('forwarded', { ...notice, outcome: outcome!, attempts: event.attempts + 1 }, onListenerError);
        return;
      case 'retry':
        metrics.inc('media_bridge_events_retried_total', { reason: o.reason });
        log.debug('will retry an event', { id: event.id, type: event.type, reason: o.reason, retryAt: new Date(o.at).toISOString(), ...o.error });
        listeners.emit('retry', { ...notice, outcome, reason: o.reason, retryAt: o.at, error: o.error }, onListenerError);
        return;
      case 'dead':
        metrics.inc('media_bridge_events_dead_lettered_total', { status: String(o.error.status ?? o.error.failure ?? 'none') });
        log.warn('dead letter: HubSpot will not take this event', { id: event.id, type: event.type, ...o.error });
        listeners.emit('dead', { ...notice, outcome, error: o.error }, onListenerError);
        return;
    }
  };
}

function upstreamOutcome(result: UpstreamResult): UpstreamOutcome {
  const out: UpstreamOutcome = { latencyMs: result.latencyMs };
  if (result.status !== undefined) out.status = result.status;
  if (result.failure) out.failure = result.failure;
  return out;
}
