/**
 * What the proxy tells its listeners: each accepted event, each attempt's outcome, each
 * rejected request. The demo turns these into server-sent events; the benchmark counts them.
 */
import type { EventType, WireEvent } from '../wire.js';
import type { UpstreamError } from './upstream/backoff.js';
import type { Problem } from './http/validate.js';

/** The event a notice is about. */
export interface EventNotice {
  id: string;
  type: EventType;
  sessionId: string;
  /** The event as received. */
  event: WireEvent;
}

/** What HubSpot answered to one attempt. */
export interface UpstreamOutcome {
  /** HTTP status, absent when no answer came. */
  status?: number;
  /** Why no answer came. */
  failure?: 'timeout' | 'network';
  latencyMs: number;
}

export interface ProxyEvents {
  /** Stored, to be forwarded (not sent for duplicates). */
  accepted: EventNotice & { acceptedAt: number };
  /** HubSpot accepted it. */
  forwarded: EventNotice & { outcome: UpstreamOutcome; attempts: number };
  /** It will be tried again at `retryAt`. */
  retry: EventNotice & { outcome?: UpstreamOutcome; reason: string; retryAt: number; error: UpstreamError };
  /** Given up on: a dead letter, with HubSpot's error. */
  dead: EventNotice & { outcome?: UpstreamOutcome; error: UpstreamError };
  /** An ingest request refused with a 4xx. */
  rejected: { status: number; reason: string; problems?: Problem[] };
}

export type ProxyEventName = keyof ProxyEvents;
export type Listener<K extends ProxyEventName> = (payload: ProxyEvents[K]) => void;

export class Listeners {
  private readonly map = new Map<ProxyEventName, Set<(payload: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends ProxyEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.map.get(name);
    if (!set) this.map.set(name, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  /** True when someone listens (so payloads are only built when needed). */
  has(name: ProxyEventName): boolean {
    return (this.map.get(name)?.size ?? 0) > 0;
  }

  /** Calls each listener; one that throws cannot break the proxy. */
  emit<K extends ProxyEventName>(name: K, payload: ProxyEvents[K], onError?: (error: unknown) => void): void {
    const set = this.map.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        onError?.(error);
      }
    }
  }
}
