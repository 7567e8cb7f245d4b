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
import { addPlay, playedPercent, union, type Run } from './played-ranges.js';

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
export function playedRuns(ranges: MediaState['played']): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < ranges.length; i++) runs.push([ranges.start(i), ranges.end(i)]);
  return runs;
}

// A seek back from where play stopped within this many seconds of the end of a looping media is its wrap-around.
const WRAP_SLACK = 0.1;
/**
 * Seconds a reading may run ahead of the clock before it counts as a jump: timeupdates come up
 * to 250 ms apart (HTML), and so may the handling of two events. A media element is read as
 * its event is handled (a stale position, as Firefox may show on a busy page, is STALE's case);
 * an embedded player's position is what its last message said (embeds-loader.ts has its own).
 */
export const CLOCK_SLACK = 0.25;

/** The most seconds a reading's position may be stale (Firefox's, on a busy page) and still count as play at the next reading. */
const STALE = 2;

/**
 * A playhead that reports to `report`, and takes each session's media fields with
 * `describe` as the session begins; `slack` as CLOCK_SLACK says.
 */
export function createPlayhead<E extends MediaState>(
  milestones: number[],
  newId: () => string,
  report: Report,
  describe: (el: E) => Partial<CommonFields>,
  slack = CLOCK_SLACK,
): Playhead<E> {
  let session: Session | undefined;
  // Where the media was at the last reading (of this source: see `read`).
  let pos = 0;
  // Where the clock says the media was at the last reading (see `reach`): `pos`, or further
  // where that reading showed a stale position.
  let far = 0;
  let source: string | undefined;
  // When the last reading was taken, if the media was playing then; 0 if it was not.
  let at = 0;
  // The rate it played at since the last reading (a rate change is read as it happens).
  let speed = 1;

  // A session another page view took (`_gone`) ends unreported: that view sent it.
  const end = () => {
    if (session && !session._gone) report(session, ENDED);
    session = undefined;
  };

  const read = (el: E, type: string, mayBegin: boolean, now = Date.now()) => {
    const duration = el.duration;
    const src = el.currentSrc;
    // Read once: each of the element's getters is a call into the browser.
    const paused = el.paused;
    let to = el.currentTime;
    let next = to;
    // A new currentSrc is a new source. Compare sources rather than count `loadstart`s:
    // players reload the same source, and that is still one viewing.
    if (session && (session._gone || session._src != src)) end();
    // A position of another source says nothing of this one's. A new source plays from its
    // start (HTML's load algorithm resets the position; a start elsewhere, as a media
    // fragment's or a player's, comes with a seek), and play is credited from there: its first
    // reading may come after some of it played (Chromium's `playing` at 0.04 s, a tracker
    // that saw the element before its source was chosen). At the tracker's first look
    // (`attach`), what played before is in `el.played`, credited if a session begins now.
    if (src != source) far = pos = type == 'attach' ? to : 0;
    source = src;
    // A `ratechange` (the one reading whose type starts with r) queued while the media was
    // paused, as when the page set the rate and then called play(), may be heard after play
    // began, with the position past where it began. It says nothing then: a session that
    // begins at the next reading counts from the last position read before it.
    if (!session && !at && type[0] == 'r') return;
    // Of the readings, `playing`, `timeupdate` and `attach` may begin a session; `seeking`,
    // `ended`, `volumechange`, `ratechange` and the tracker's `hide` and `close` may not.
    if (!session && mayBegin && !paused && /^[pta]/.test(type)) {
      const before = playedRuns(el.played);
      // A tracker attached to a playing element credits what it has played already.
      session = {
        _id: newId(),
        _src: src,
        // (The same array: what played before, credited, is known as this session's own.)
        _runs: type == 'attach' ? before : [],
        _before: before,
        _sent: [],
        _media: describe(el),
      };
      report(session);
    }
    // The furthest the media can have played since the last reading, by the clock at the
    // rate it plays, with the slack of one timeupdate for events handled late on a busy page.
    // It counts from where the clock put the media then, which may be past what that reading
    // showed: a reading may show a stale position (Firefox's, on a busy page), and the
    // next one, fresh again, is play and no jump. Paused then, the clock stood still.
    const clock = far + (at && ((now - at) / 1e3) * speed);
    const reach = clock + slack * speed;
    // Play stops here: a seek (one a browser announces, or a jump further than play can
    // reach, which is all a player without `seeking` shows), or a pause. Paused at this reading
    // and the last, the media played nothing between: a move further than the clock put it
    // at the pause is a seek (an embedded player scrubbed while paused: YouTube shows it only
    // by the position, and Vimeo's `timeupdate` there may come before its `seeked`); one
    // within it is the play up to the pause, told after it (YouTube's state comes before its
    // position). Playing again, it may have played since the pause: a `playing` may be handled
    // late, and the clock, stopped at the pause, cannot say how much.
    const jumped = type == 'seeking' || el.seeking || ((at || paused) && to > reach);
    if (jumped) {
      // The position already holds the seek's target (HTML "seeking" steps). Where play
      // stopped is in `el.played`, which the browser closes at the seek: the end of the last
      // range that starts at or before `pos` (sorted and disjoint; one that ends before
      // `pos` credits nothing), and never beyond the clock's reach.
      let until = pos;
      if (at) for (const [from, end] of playedRuns(el.played)) if (from <= pos) until = Math.min(end, reach);
      to = until;
      // That range may hold play from before: of this session, or of earlier ones. It says
      // where play stopped only if play ran beyond all that was played before; if it stopped
      // within it, where is not known, and nothing more is credited.
      if (session)
        for (const [from, end] of union([...session._before, ...session._runs], Infinity))
          if (from <= pos ? end > pos && end >= to : from < to) to = from > pos ? from : pos;
      // The wrap of a loop: play reached the end, as `el.played` shows or, where it cannot
      // (a later time round), as the clock does, and went back. Firefox reports it with
      // currentTime already past 0 and `seeking` false.
      const stop = Math.max(to, Math.min(until, clock + WRAP_SLACK * speed));
      if (el.loop && next < stop && stop >= duration - WRAP_SLACK) (next = -1), (to = duration);
    }
    // `ended` means the end was reached, even when the last timeupdate stopped short of it.
    // (A stream of infinite duration never ends.)
    if (type == 'ended' && duration > to) to = duration;
    if (session) {
      // A new source's load empties the duration before its currentSrc changes: keep the last known.
      if (duration >= 0) session._duration = duration;
      if (to > pos) addPlay(session._runs, pos, to);
      // Milestones are reached in order (ascending, and what was played only grows), so the
      // next is the first not reported. What was played at least once is at most the runs'
      // total: while that is short of the next milestone, none is reached, and a timeupdate
      // computes no union. (Each run read without taking it apart, as in attention-span.ts:
      // cheaper in the interpreter, where a page's handlers mostly run.) A percent of NaN (a
      // duration unknown, 0 or infinite: a live stream) reaches none.
      let total = 0;
      for (const run of session._runs) total += run[1] - run[0];
      for (let m; (m = milestones[session._sent.length]) * duration <= total * 100 && playedPercent(session._runs, duration) >= m; ) {
        session._sent.push(m);
        report(session, m);
      }
      // A seek, or a pause (the media played at the last reading and no longer does).
      report(session, jumped || (at && paused) ? STOPPED : CHANGED);
    }
    if (type == 'ended' || next < 0) end();
    // A loop plays on from its start (HTML: "seek to the earliest possible position").
    pos = next < 0 ? 0 : next;
    // While play runs on (no jump, no pause, no `playing` after a stall, in which the clock
    // ran and the media did not), the clock's position is kept when it is further, by up to
    // STALE seconds of media: no more, so that a page frozen or a player stalled with no
    // `playing` after leaves no lead in which a jump would pass for play.
    far = at && !jumped && type != 'playing' ? Math.max(pos, Math.min(clock, pos + STALE * speed)) : pos;
    at = paused ? 0 : now;
    speed = el.playbackRate;
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
