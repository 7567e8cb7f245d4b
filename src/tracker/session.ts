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
import { reachedMilestones } from './milestones.js';
import { addPlay, playedPercent, type Run } from './played-ranges.js';

/** What the playhead reads of a media element (an HTMLMediaElement, or a stand-in in tests). */
export type MediaState = Pick<
  HTMLMediaElement,
  'currentTime' | 'currentSrc' | 'duration' | 'playbackRate' | 'paused' | 'seeking' | 'loop'
> & { played: Pick<TimeRanges, 'length' | 'start' | 'end'> };

/** One viewing of one source. */
export interface Session {
  _id: string;
  _src: string;
  /** What was played in this session, run by run. */
  _runs: Run[];
  /** Milestones already reported: each fires at most once per session. */
  _sent: number[];
  /** The media's duration as this session last read it: a new source's duration is not this one's. */
  _duration: number;
  /**
   * The session's context, taken as it begins (page-tracker.ts): every event of the session,
   * its attention span included, describes this media, whatever the element plays later.
   */
  _media?: Partial<CommonFields>;
  /** `_media` with the page's fields, anonymous [0] and identified [1], each built once. */
  _ctx?: Partial<CommonFields>[];
  /** Its state is in storage, for a later page view to send if this one dies. */
  _kept?: boolean;
  /** Another page view took it from storage and sent it (this page was frozen): it is dropped unreported. */
  _gone?: boolean;
}

/** What a report says besides a milestone's percent: a reading changed the session's state. */
export const CHANGED = 0;
/** What a report says besides a milestone's percent: the session ended. */
export const ENDED = -1;
/**
 * What a report says besides a milestone's percent: play stopped or jumped at this reading
 * (a pause, a seek). Nothing more will be played for a while, so its state is worth keeping
 * at once: a page killed now must not lose what was played up to here.
 */
export const STOPPED = -2;

/**
 * Called when a session begins (no `what`), for each milestone it reaches (`what` is the
 * percent), after each reading while it lasts (CHANGED: on every timeupdate, so whatever it
 * does must be cheap; STOPPED when play paused or jumped), and when it ends (ENDED).
 */
export type Report = (session: Session, what?: number) => void;

/** Follows one media element from event to event. */
export interface Playhead {
  /**
   * Reads the element as event `type` fires (or `attach`, `hide`, `close` for the tracker's
   * own readings). A session may begin only if `mayBegin` (not a background video, consent given).
   */
  _read(el: MediaState, type: string, mayBegin: boolean, now?: number): void;
  /** Takes a last reading and closes the session: the element is released. */
  _close(el: MediaState): void;
  /** The session in progress, if any. */
  _session(): Session | undefined;
}

/** `el.played` as runs. */
export function playedRuns(ranges: MediaState['played']): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < ranges.length; i++) runs.push([ranges.start(i), ranges.end(i)]);
  return runs;
}

// A seek back from within this many seconds of the end of a looping media is its wrap-around.
const WRAP_SLACK = 0.1;
// Seconds: timeupdates come up to 250 ms apart (HTML), and so may the handling of two events.
const CLOCK_SLACK = 0.25;

export function createPlayhead(milestones: number[], newId: () => string, report: Report): Playhead {
  let session: Session | undefined;
  // Where the media was at the last reading: NaN before the first, so that nothing is
  // credited before the tracker has seen a position (of this source: see `read`).
  let pos = NaN;
  let source: string | undefined;
  // When the last reading was taken, if the media was playing then; 0 if it was not.
  let at = 0;

  // A session another page view took (`_gone`) ends unreported: that view sent it.
  const end = () => {
    if (session && !session._gone) report(session, ENDED);
    session = undefined;
  };

  const read = (el: MediaState, type: string, mayBegin: boolean, now = Date.now()) => {
    const duration = el.duration;
    const src = el.currentSrc;
    let to = el.currentTime;
    let next = to;
    // A new currentSrc is a new source. Compare sources rather than count `loadstart`s:
    // players reload the same source, and that is still one viewing.
    if (session && (session._gone || session._src != src)) end();
    // A position of another source says nothing of this one's: nothing is credited from it.
    if (src != source) pos = NaN;
    source = src;
    // Of the readings, `playing`, `timeupdate` and `attach` may begin a session; `seeking`,
    // `ended`, `volumechange` and the tracker's `hide` and `close` may not.
    if (!session && mayBegin && !el.paused && /^[pta]/.test(type)) {
      // A tracker attached to a playing element credits what it has played already.
      session = {
        _id: newId(),
        _src: src,
        _runs: type == 'attach' ? playedRuns(el.played) : [],
        _sent: [],
        _duration: duration,
      };
      report(session);
    }
    // Play stops here: a seek, or a pause (the media played at the last reading and no longer does).
    const stopped = type == 'seeking' || el.seeking || (at && el.paused);
    if (type == 'seeking' || el.seeking) {
      // currentTime already holds the seek target (HTML "seeking" steps). Where play stopped
      // is in `el.played`, which the browser closes at the seek: the end of the last range
      // that starts at or before `pos` (sorted and disjoint; one that ends before `pos`
      // credits nothing). That range may hold plays of earlier sessions, so the clock bounds
      // it too, with the slack of one timeupdate for events handled late on a busy page.
      to = pos;
      if (at)
        for (const [from, until] of playedRuns(el.played))
          if (from <= pos) to = Math.min(until, pos + ((now - at) / 1e3 + CLOCK_SLACK) * el.playbackRate);
      // The wrap of a loop. Firefox reports it with currentTime already past 0 and `seeking` false.
      if (el.loop && next < pos && to >= duration - WRAP_SLACK) next = -1;
    }
    // `ended` means the end was reached, even when the last timeupdate stopped short of it.
    // (A stream of infinite duration never ends.)
    if (type == 'ended' && duration > to) to = duration;
    if (session) {
      session._duration = duration;
      if (to > pos) addPlay(session._runs, pos, to);
      for (const m of reachedMilestones(milestones, session._sent, playedPercent(session._runs, duration))) {
        session._sent.push(m);
        report(session, m);
      }
      report(session, stopped ? STOPPED : CHANGED);
    }
    if (type == 'ended' || next < 0) end();
    // A loop plays on from its start (HTML: "seek to the earliest possible position").
    pos = next < 0 ? 0 : next;
    at = el.paused ? 0 : now;
  };

  return {
    _read: read,
    _close(el) {
      read(el, 'close', false);
      end();
    },
    _session: () => session,
  };
}
