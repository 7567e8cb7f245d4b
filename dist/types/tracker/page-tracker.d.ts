import { type Consent } from './consent.js';
import { type LoadEmbeds } from './embeds-loader.js';
import type { TrackerOptions } from './options.js';
import { type TrackedMedia } from './tracked-media.js';
/** Runs `fn`, swallowing what it throws. */
export type Guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R | undefined;
/** The tracker's parts, for `startTracking` to build its handle on. */
export interface PageTracker {
    _guard: Guard;
    /** Media elements and embed iframes. */
    _tracked: Map<Element, TrackedMedia>;
    _observer: MutationObserver;
    _attach(el: Element): void;
    _consent: Consent;
    /** Detaches everything: closes the sessions in progress, sends what is pending, removes every listener. Unguarded. */
    _stop(): void;
}
/**
 * How often, at most, the live sessions' state is written to storage, in ms: a page killed
 * mid-play loses at most this much of its attention span. Hiding the page writes it at once.
 */
export declare const KEEP_EVERY = 5000;
/**
 * Starts the tracker of the page. Its start only adds listeners and the observer: storage,
 * cookies, Web Locks and ids are touched when there is something to keep or send (issue 22).
 */
export declare function trackPage(options: TrackerOptions, loadEmbeds?: LoadEmbeds, onEvent?: TrackerOptions['onEvent']): PageTracker;
