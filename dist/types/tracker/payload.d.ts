import type { CommonFields, EventType, WireEvent } from '../wire.js';
/**
 * One event on the wire. A field with no value is left out, never sent as null or ""
 * (src/wire.ts); no field of an event is legitimately 0 or false.
 */
export declare function wireEvent(type: EventType, sessionId: string, fields: Partial<CommonFields> & Record<string, unknown>): WireEvent;
