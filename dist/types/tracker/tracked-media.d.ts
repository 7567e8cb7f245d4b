import { type Report, type Session } from './session.js';
export interface TrackedMedia {
    /** Takes a reading outside the element's own events (the page is being hidden). */
    _read(type: string): void;
    /** Removes the listeners and closes the session. */
    _close(): void;
    _session(): Session | undefined;
}
/**
 * Tracks `el`: `report` and `ended` hear of its sessions (session.ts), and `changed` of each
 * reading taken while one lasts, for the page to keep its state (throttled: it is called on
 * every timeupdate).
 */
export declare function trackMedia(el: HTMLMediaElement, milestones: number[], mayBegin: () => boolean, report: Report, ended: (session: Session) => void, changed: () => void, guard: (fn: (e: Event) => void) => (e: Event) => void): TrackedMedia;
