/**
 * Sends events to the proxy: the events of one moment in one request, each request under
 * 60 KiB and 50 events, as text/plain so that a cross-origin proxy gets no CORS preflight.
 */
import { MAX_EVENTS_PER_REQUEST, type WireEvent } from '../wire.js';

// Under the proxy's 64 KiB cap, and under the 64 KiB that sendBeacon and keepalive fetch
// may have in flight (Fetch standard, "keepalive"). A UTF-16 code unit takes at most 3
// bytes of UTF-8, so a body of up to a third of this many characters fits.
const MAX_REQUEST_BYTES = 60 * 1024;
// `{"events":[` and `]}`, and the comma before the next event, at 3 bytes a character.
const WRAPPER = 15 * 3;

/** Cuts `events` into request bodies, in order, and hands each to `send`. */
export function batches(events: WireEvent[], send: (body: string) => void): void {
  let batch: string[] = [];
  const close = () => batch.length && send(`{"events":[${batch}]}`);
  for (const event of events) {
    const json = JSON.stringify(event);
    if (batch.length == MAX_EVENTS_PER_REQUEST || (batch + json).length * 3 > MAX_REQUEST_BYTES - WRAPPER) {
      close();
      batch = [];
    }
    batch.push(json);
  }
  close();
}

/** Posts one body; a string body goes as `text/plain;charset=UTF-8`. */
function send(endpoint: string, body: string) {
  try {
    // sendBeacon outlives the page; it returns false when its queue is full.
    if (navigator.sendBeacon(endpoint, body)) return;
  } catch {
    /* missing, or the URL is refused */
  }
  fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(() => {
    /* offline or refused: issue 5 will keep such events */
  });
}

export interface Transport {
  /** Queues an event; it goes with the others of the same moment. */
  _add(event: WireEvent): void;
  /** Sends what is queued now (the page is being hidden or left). */
  _flush(): void;
}

export function createTransport(endpoint: string, guard: (fn: () => void) => () => void): Transport {
  let queue: WireEvent[] = [];
  const flush = () => {
    batches(queue, (body) => send(endpoint, body));
    queue = [];
  };
  const later = guard(flush);
  return {
    _add(event) {
      // The first event of a moment schedules the send, after the moment's other events.
      if (queue.push(event) == 1) queueMicrotask(later);
    },
    _flush: flush,
  };
}
