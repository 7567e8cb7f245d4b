import { type Report, type Session } from './session.js';
export interface TrackedMedia {
    /** Takes a reading outside the element's own events (the page is being hidden). */
    _read(type: string): void;
    /** Removes the listeners and closes the session. */
    _close(): void;
    _session(): Session | undefined;
}
/** Tracks `el`: `report` hears of its sessions (session.ts); `slack` is the playhead's. */
export declare function trackMedia(el: HTMLMediaElement, milestones: number[], mayBegin: () => boolean, report: Report, guard: (fn: (e: Event) => void) => (e: Event) => void, slack?: number): TrackedMedia;
