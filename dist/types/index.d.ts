export type { WireBody, WireEvent } from './wire.js';
