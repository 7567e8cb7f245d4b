import type { TrackerOptions } from './options.js';
/** The state of an element's current session, for a page that draws it. */
export interface SessionState {
    /** The session's id, as sent in each event's `sessionId`. */
    sessionId: string;
    /** The media's duration in seconds: NaN until known, Infinity for a live stream. */
    duration: number;
    /** The parts of the media played in this session: sorted, disjoint `[from, to]` intervals in seconds. */
    played: [number, number][];
    /** The milestones reported in this session, in the order they were reached. */
    milestones: number[];
}
/** What `startTracking` returns. */
export interface Tracker {
    /** Detaches everything: closes the sessions in progress, sends what is pending, removes every listener. */
    stop(): void;
    /** Tracks an element the selector cannot reach, such as a player's inside a shadow root (and media later added to that root); with `embeds`, a YouTube or Vimeo iframe too. */
    track(el: HTMLMediaElement | HTMLIFrameElement): void;
    /** The element's session in progress; undefined when it has none (not tracked, or not played since its last session ended). */
    session(el: HTMLMediaElement | HTMLIFrameElement): SessionState | undefined;
    /** Records the answer of a consent manager other than HubSpot's banner: `true` grants, `false` withdraws. */
    consent(granted: boolean): void;
}
/**
 * Starts tracking the page's media elements. Each call has its own state; importing the
 * module does nothing.
 */
export declare function startTracking(options?: TrackerOptions): Tracker;
