import type { CommonFields, EventType, WireEvent } from '../wire.js';
import { newId } from './id.js';

/**
 * One event on the wire. A field with no value is left out, never sent as null or ""
 * (src/wire.ts); no field of an event is legitimately 0 or false.
 */
export function wireEvent(
  type: EventType,
  sessionId: string,
  fields: Partial<CommonFields> & Record<string, unknown>,
): WireEvent {
  // An attention span brings its own id (its session's): no new one is drawn for it.
  const event: Record<string, unknown> = { type, id: fields.id || newId(), occurredTimestamp: Date.now(), sessionId, ...fields };
  for (const key in event) if (!event[key]) delete event[key];
  return event as unknown as WireEvent;
}
