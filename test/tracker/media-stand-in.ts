/**
 * A stand-in for a media element as the playhead reads it, driven the way a browser drives
 * one: timeupdates while playing, `el.played` closed at each seek, `ended` at the end, a
 * wrap to 0 for a loop. Wall time is simulated, so a test runs in microseconds.
 */
import { createPlayhead, ENDED, STOPPED, type MediaState, type Session } from '../../src/tracker/session.js';
import type { Run } from '../../src/tracker/played-ranges.js';

/** The stand-in's state is written by the test, where a browser's is read-only. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

export interface Report {
  session: string;
  percent?: number;
}

export function standIn(duration = 8, milestones = [25, 50, 75, 100]) {
  let ranges: Run[] = [];
  let rangeStart = 0;
  let count = 0;
  let now = 1_700_000_000_000;
  const reports: Report[] = [];
  const el: Writable<MediaState> = {
    currentTime: 0,
    currentSrc: 'https://example.com/media/clip.webm',
    duration,
    playbackRate: 1,
    paused: true,
    seeking: false,
    loop: false,
    played: {
      get length() {
        return ranges.length;
      },
      start: (i: number) => ranges[i][0],
      end: (i: number) => ranges[i][1],
    },
  };
  const ended: Session[] = [];
  /** The readings at which play stopped (a pause, a seek), as the session's runs then. */
  const stops: Run[][] = [];
  const playhead = createPlayhead(
    milestones,
    () => `session-${++count}`,
    (s, what) =>
      what == ENDED
        ? ended.push(s)
        : what == STOPPED
          ? stops.push(s._runs.map((r) => [...r] as Run))
          : what !== 0 && reports.push(what ? { session: s._id, percent: what } : { session: s._id }),
    (el) => ({ mediaUrl: el.currentSrc }),
  );
  /** Adds [from, to] to the browser's own played ranges (a sorted union). */
  const closeRange = () => {
    const [from, to] = [rangeStart, el.currentTime];
    if (to <= from) return;
    ranges = [...ranges, [from, to] as Run]
      .sort((a, b) => a[0] - b[0])
      .reduce<Run[]>((out, [a, b]) => {
        const last = out[out.length - 1];
        if (last && a <= last[1]) last[1] = Math.max(last[1], b);
        else out.push([a, b]);
        return out;
      }, []);
    rangeStart = el.currentTime;
  };
  let mayBegin = true;
  const read = (type: string) => playhead._read(el, type, mayBegin, now);

  const api = {
    el,
    reports,
    /** The sessions that ended, in order, with their runs as they ended. */
    ended,
    stops,
    playhead,
    read,
    /** Whether sessions may begin (background video, consent). */
    allow(value: boolean) {
      mayBegin = value;
    },
    /** The browser's own `el.played`, as runs. */
    get ranges() {
      return ranges;
    },
    percents: () => reports.filter((r) => r.percent).map((r) => r.percent),
    sessions: () => [...new Set(reports.map((r) => r.session))],
    play() {
      el.paused = false;
      rangeStart = el.currentTime;
      read('playing');
    },
    pause() {
      closeRange();
      el.paused = true;
      read('timeupdate');
    },
    /**
     * Plays `seconds` of wall time at the element's rate, a timeupdate every `tick` seconds
     * (browsers fire them 15 to 250 ms apart, whatever the rate). Stops at the end.
     */
    run(seconds: number, tick = 0.25) {
      for (let t = 0; t < seconds - 1e-9; t += tick) {
        const step = Math.min(tick, seconds - t);
        now += step * 1000;
        el.currentTime = Math.min(el.duration, el.currentTime + step * el.playbackRate);
        if (el.currentTime < el.duration) read('timeupdate');
        else if (el.loop) api.reachEnd();
        else return api.reachEnd();
      }
    },
    /**
     * What a browser does at the end: a loop wraps to 0 (Chromium fires `seeking` at 0;
     * Firefox with currentTime already just past 0, and `seeking` false), anything else
     * pauses and ends.
     */
    reachEnd(firefoxWrap = false) {
      el.currentTime = el.duration;
      closeRange();
      if (el.loop) {
        el.currentTime = firefoxWrap ? 0.03 : 0;
        rangeStart = 0;
        el.seeking = !firefoxWrap;
        read('seeking');
        el.seeking = false;
        return read('timeupdate');
      }
      read('timeupdate');
      el.paused = true;
      read('ended');
    },
    /** A seek: the browser closes its played range, then fires `seeking` at the target. */
    seek(to: number, wallMs = 0) {
      now += wallMs;
      const playedTo = el.currentTime + (wallMs / 1000) * (el.paused ? 0 : el.playbackRate);
      el.currentTime = playedTo;
      closeRange();
      el.currentTime = to;
      rangeStart = to;
      el.seeking = true;
      read('seeking');
      el.seeking = false;
      read('timeupdate');
    },
    /** A new source: position back to 0, nothing played yet. */
    load(src: string, duration: number) {
      closeRange();
      el.currentSrc = src;
      el.duration = duration;
      el.currentTime = 0;
      el.paused = true;
      ranges = [];
      rangeStart = 0;
      read('timeupdate');
    },
    advanceClock(ms: number) {
      now += ms;
    },
  };
  return api;
}
