/**
 * Sessions and progress for one media element, as pure logic: it reads the element's state
 * when one of its events fires, and reports what happened. The DOM side (listeners) lives
 * in tracked-media.ts.
 *
 * A session is one viewing of one source (issue 2). It begins at the first `playing` of a
 * source, and ends on `ended`, on a change of `currentSrc`, on each wrap-around of a `loop`,
 * or when the element is released; its end is when its attention span is reported.
 */
import type { CommonFields } from '../wire.js';
import { type Run } from './played-ranges.js';
/** What the playhead reads of a media element (an HTMLMediaElement, or a stand-in in tests). */
export type MediaState = Pick<HTMLMediaElement, 'currentTime' | 'currentSrc' | 'duration' | 'playbackRate' | 'paused' | 'seeking' | 'loop'> & {
    played: Pick<TimeRanges, 'length' | 'start' | 'end'>;
};
/** One viewing of one source. */
export interface Session {
    _id: string;
    _src: string;
    /** What was played in this session, run by run. */
    _runs: Run[];
    /**
     * What the element had played before this session began (`el.played` then: an earlier
     * viewing of the same source, a loop's earlier times round). Where a seek stops within it,
     * `el.played` cannot say where, so nothing is credited there.
     */
    _before: Run[];
    /** Milestones already reported: each fires at most once per session. */
    _sent: number[];
    /** The media's duration as this session last read it (a new source's duration is not this one's); unset while unknown. */
    _duration?: number;
    /**
     * The media's fields, taken as the session begins: every event of the session, its
     * attention span included, describes this media, whatever the element plays later.
     */
    _media: Partial<CommonFields>;
    /** Its state as this page last wrote it to storage, for a later page view to send if this one dies (falsy if storage refused it). */
    _kept?: string | false;
    /** It changed since it was last kept (set by the page tracker, which keeps it). */
    _changed?: number;
    /** When it was last kept (by the page tracker). */
    _keptAt?: number;
    /** Another page view took it from storage and sent it (this page was frozen): it is dropped unreported. */
    _gone?: boolean;
}
/** What a report says besides a milestone's percent: a reading changed the session's state. */
export declare const CHANGED = 0;
/** What a report says besides a milestone's percent: the session ended. */
export declare const ENDED = -1;
/**
 * What a report says besides a milestone's percent: play stopped or jumped at this reading
 * (a pause, a seek). Nothing more will be played for a while, so its state is worth keeping
 * at once: a page killed now must not lose what was played up to here.
 */
export declare const STOPPED = -2;
/**
 * Called when a session begins (no `what`), for each milestone it reaches (`what` is the
 * percent), after each reading while it lasts (CHANGED: on every timeupdate, so whatever it
 * does must be cheap; STOPPED when play paused or jumped), and when it ends (ENDED).
 */
export type Report = (session: Session, what?: number) => void;
/** Follows one media element from event to event. */
export interface Playhead<E extends MediaState = MediaState> {
    /**
     * Reads the element as event `type` fires (or `attach`, `hide`, `close` for the tracker's
     * own readings). A session may begin only if `mayBegin` (not a background video, consent given).
     */
    _read(el: E, type: string, mayBegin: boolean, now?: number): void;
    /** Takes a last reading and closes the session: the element is released. */
    _close(el: E): void;
    /** The session in progress, if any. */
    _session(): Session | undefined;
}
/** `el.played` as runs. */
export declare function playedRuns(ranges: MediaState['played']): Run[];
/**
 * Seconds a reading may run ahead of the clock before it counts as a jump: timeupdates come up
 * to 250 ms apart (HTML), and so may the handling of two events. A media element is read as
 * its event is handled (a stale position, as Firefox may show on a busy page, is STALE's case);
 * an embedded player's position is what its last message said (embeds-loader.ts has its own).
 */
export declare const CLOCK_SLACK = 0.25;
/**
 * A playhead that reports to `report`, and takes each session's media fields with
 * `describe` as the session begins; `slack` as CLOCK_SLACK says.
 */
export declare function createPlayhead<E extends MediaState>(milestones: number[], newId: () => string, report: Report, describe: (el: E) => Partial<CommonFields>, slack?: number): Playhead<E>;
