/**
 * The tracker of one page: wires discovery, sessions, context, consent and transport
 * together. Both entries start it: the script tag's (auto.ts) and `startTracking`.
 *
 * Nothing here may hurt the host page: every entry point is guarded, errors are swallowed
 * (and logged in debug mode), no global is added, and nothing blocks.
 */
import { type Consent } from './consent.js';
import type { TrackerOptions } from './options.js';
import { type TrackedMedia } from './tracked-media.js';
import { type Transport } from './transport.js';
/** Runs `fn`, swallowing what it throws. */
export type Guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R | undefined;
/** The tracker's parts, for `startTracking` to build its handle on. */
export interface PageTracker {
    _guard: Guard;
    _tracked: Map<HTMLMediaElement, TrackedMedia>;
    _observer: MutationObserver;
    _attach(el: Element): void;
    _release(el: HTMLMediaElement): void;
    _hide(): void;
    _consent: Consent;
    _transport: Transport;
}
export declare function trackPage(options: TrackerOptions): PageTracker;
