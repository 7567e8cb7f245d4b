export { startTracking } from './tracker/tracker.js';
export type { SessionState, Tracker } from './tracker/tracker.js';
export type { TrackerOptions } from './tracker/options.js';
export type { AttentionSpanEvent, CommonFields, EventType, MediaPlayedEvent, MediaPlayedPercentEvent, MediaType, PlayContext, WireBody, WireEvent, } from './wire.js';
