import type { CommonFields, EventType, WireEvent } from '../wire.js';

/**
 * One event on the wire. A field with no value is left out, never sent as null or ""
 * (src/wire.ts); no field of an event is legitimately 0 or false.
 *
 * Its id comes from its session's, which is random (id.ts): a session sends at most one event
 * of each kind and milestone, so its attention span's id is the session's own, its STARTED's
 * `<session id>-0`, and each milestone's `<session id>-<percent>`. No random number is drawn
 * for an event, and an event built again (an attention span, rewritten as it grows) keeps its
 * id, by which the proxy drops a copy.
 */
export function wireEvent(
  type: EventType,
  sessionId: string,
  fields: Partial<CommonFields> & Record<string, unknown>,
): WireEvent {
  const id = type == 'attention-span' ? sessionId : sessionId + '-' + (fields.playedPercent || 0);
  const event: Record<string, unknown> = { type, id, occurredTimestamp: Date.now(), sessionId };
  for (const key in fields) if (fields[key]) event[key] = fields[key];
  return event as unknown as WireEvent;
}
