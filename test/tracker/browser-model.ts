/**
 * A media element as a browser drives it, for the property tests: the playhead reads it at
 * each event, the way tracked-media.ts does in a page, while the model keeps the truth of
 * what was played, stretch by stretch, to check every report against.
 *
 * It follows HTML's media element steps where the tracker depends on them:
 * - `timeupdate` 15 to 250 ms apart while playing (jittered), and at a pause;
 * - `el.played` is the union of what this source played since it was loaded, the stretch in
 *   progress included (Chromium's), closed at a seek;
 * - a seek fires `seeking` with the position already at its target;
 * - the end fires `timeupdate` then `ended` (paused); a loop wraps to 0 instead, Chromium with
 *   a `seeking` at 0, Firefox with the position already past 0 and `seeking` false;
 * - play() after the end seeks to 0 first;
 * - a new source resets the position and empties the duration, and in one variant the first
 *   reading still shows the old `currentSrc`.
 *
 * Readings may be late: a busy page handles an event up to 250 ms after its position was
 * taken (the slack the playhead allows), or shows a position up to 2 s stale, well past that
 * slack, with the next reading fresh again; and a page may go without any reading for
 * minutes while the media plays on (a long task, a throttled tab). Wall time is simulated.
 */
import type { CommonFields } from '../../src/wire.js';
import { createPlayhead, ENDED, STOPPED, type MediaState, type Session } from '../../src/tracker/session.js';
import { union, type Run } from '../../src/tracker/played-ranges.js';

/** A source of a playlist. */
export interface Source {
  src: string;
  name: string;
  duration: number;
}

/**
 * One viewing as the browser saw it: a source played from a load, a wrap of its loop, or a
 * replay after its end, until the next of those. `fresh` when `el.played` held nothing of
 * the source as it began (after a load); a replay or a wrap begins with all of it played.
 */
export interface Cycle {
  source: Source;
  fresh: boolean;
  /** What was really played, stretch by stretch, in media seconds. */
  truth: Run[];
  /** Whether the visitor sought in it (the model's seeks, not a loop's wrap). */
  sought: boolean;
  /**
   * Seconds played after the last reading before a load (of a new source, or the same one
   * again): no reading shows where play stopped (the position is reset before any event about
   * it fires), so no tracker can credit them.
   */
  unseen: number;
}

/** What the playhead reported of one session. */
export interface SessionLog {
  session: Session;
  /** The cycle being played when the session began. */
  cycle: Cycle;
  /** The session's media as it began. */
  media: Partial<CommonFields>;
  /** Milestones in the order reported, each with the truth's seconds played by then. */
  milestones: { percent: number; truthSeconds: number }[];
  /** Readings at which the session's media differed from what it began with. */
  mediaChanged: number;
  stops: number;
  /** The session's runs and duration as it ended; undefined while live. */
  ended?: { runs: Run[]; duration: number | undefined };
}

export interface ModelOptions {
  sources: Source[];
  milestones?: number[];
  loop?: boolean;
  /** Firefox's loop wrap (position past 0, `seeking` false), else Chromium's. */
  firefoxWrap?: boolean;
  /** A source change's first reading shows the old `currentSrc` with the position reset. */
  lateSrc?: boolean;
  /** The last timeupdate and `ended` show a position just short of the duration. */
  shortEnd?: boolean;
  /** The tracker attaches before the element has chosen its source (`currentSrc` still ""). */
  unchosen?: boolean;
  /** `playing` fires after some play already (Chromium: at 0.04 s, and more at 4x). */
  latePlaying?: boolean;
  /**
   * An event the page queued before play() is heard after play began and before `playing`:
   * a page that sets the rate, then calls play(), hears `ratechange` from media already playing.
   */
  beforePlaying?: 'ratechange' | 'volumechange' | 'timeupdate';
  /** Random numbers in [0, 1), for cadence jitter and late readings. */
  random: () => number;
}

/** A small seeded generator (mulberry32), so that a fast-check seed replays a play exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds in `truth`'s union within [0, end]. */
export const truthSeconds = (truth: Run[], end: number) => union(truth, end).reduce((s, [a, b]) => s + b - a, 0);

export function browserModel(options: ModelOptions) {
  const { random } = options;
  const milestones = options.milestones ?? [25, 50, 75, 100];
  let now = 1_700_000_000_000;
  let source = options.sources[0];
  let src = options.unchosen ? '' : source.src;
  let duration = source.duration;
  /** The true position. */
  let t = 0;
  /** The position the element shows (a late reading shows an older one). */
  let shown = 0;
  let rate = 1;
  let paused = true;
  let seeking = false;
  let ended = false;
  /** `el.played` without the stretch in progress. */
  let closed: Run[] = [];
  /** Where the stretch in progress began, while playing. */
  let open: number | undefined;
  const cycles: Cycle[] = [];
  let cycle: Cycle = { source, fresh: true, truth: [], sought: false, unseen: 0 };
  cycles.push(cycle);
  const logs: SessionLog[] = [];
  const bySession = new Map<string, SessionLog>();
  let ids = 0;
  let readings = 0;
  /** The true position at the last reading that showed one (late readings show less). */
  let seenTo = 0;

  const played = () => union(open === undefined ? closed : [...closed, [open, t]], Infinity);
  const el: MediaState & { name: string } = {
    get currentTime() {
      return shown;
    },
    get currentSrc() {
      return src;
    },
    get duration() {
      return duration;
    },
    get playbackRate() {
      return rate;
    },
    get paused() {
      return paused;
    },
    get seeking() {
      return seeking;
    },
    get loop() {
      return !!options.loop;
    },
    get name() {
      return options.sources.find((s) => s.src == src)?.name ?? '';
    },
    played: {
      get length() {
        return played().length;
      },
      start: (i: number) => played()[i][0],
      end: (i: number) => played()[i][1],
    },
  };

  const logOf = (s: Session) => bySession.get(s._id)!;
  const playhead = createPlayhead(
    milestones,
    () => `session-${++ids}`,
    (s, what) => {
      if (what === undefined) {
        const log: SessionLog = { session: s, cycle, media: { ...s._media }, milestones: [], mediaChanged: 0, stops: 0 };
        logs.push(log);
        bySession.set(s._id, log);
        return;
      }
      const log = logOf(s);
      if (JSON.stringify(s._media) != JSON.stringify(log.media)) log.mediaChanged++;
      if (what > 0) log.milestones.push({ percent: what, truthSeconds: truthSeconds(log.cycle.truth, log.cycle.source.duration) });
      else if (what == STOPPED) log.stops++;
      else if (what == ENDED) log.ended = { runs: s._runs.map((r) => [...r] as Run), duration: s._duration };
    },
    (e: typeof el) => ({ mediaUrl: e.currentSrc, mediaName: e.name }),
  );
  const read = (type: string) => {
    readings++;
    seenTo = shown;
    if (process.env.MBT_TRACE) console.log(type, { t, shown, paused, seeking, src, duration, now, session: playhead._session()?._id });
    playhead._read(el, type, true, now);
  };

  /** Media time passes at the rate while playing (not while seeking), and is recorded as truth. */
  const advance = (ms: number) => {
    now += ms;
    if (paused || seeking || ended) return;
    const to = Math.min(duration, t + (ms / 1000) * rate);
    const last = cycle.truth[cycle.truth.length - 1];
    if (to > t) {
      if (last && last[1] == t) last[1] = to;
      else cycle.truth.push([t, to]);
    }
    t = to;
  };
  const closeStretch = () => {
    if (open !== undefined && t > open) closed = union([...closed, [open, t]], Infinity);
    open = undefined;
  };
  const newCycle = (fresh: boolean) => {
    cycle = { source, fresh, truth: [], sought: false, unseen: 0 };
    cycles.push(cycle);
  };

  /** What the browser does as playback reaches the end. */
  const reachEnd = () => {
    closeStretch();
    if (options.loop) {
      newCycle(false);
      t = 0;
      if (options.firefoxWrap) {
        // Firefox: the position is already a frame or so past 0 when the wrap's `seeking` is handled.
        open = 0;
        t = shown = Math.min(0.03, duration / 10);
        cycle.truth.push([0, t]);
        read('seeking');
      } else {
        shown = 0;
        seeking = true;
        read('seeking');
        seeking = false;
        open = 0;
      }
      read('timeupdate');
      return;
    }
    shown = options.shortEnd ? Math.max(shown, duration - Math.min(0.02, duration / 4)) : duration;
    read('timeupdate');
    paused = true;
    ended = true;
    read('ended');
  };

  const api = {
    el,
    playhead,
    logs,
    cycles,
    get readings() {
      return readings;
    },
    get position() {
      return t;
    },
    get ended() {
      return ended;
    },
    get paused() {
      return paused;
    },
    get source() {
      return source;
    },
    attach() {
      read('attach');
      src = source.src;
    },
    play() {
      if (!paused) return;
      if (ended) {
        // HTML: play() at the end seeks to the start first.
        ended = false;
        closeStretch();
        newCycle(false);
        t = shown = 0;
        paused = false;
        seeking = true;
        read('seeking');
        seeking = false;
      }
      paused = false;
      open = t;
      if (options.beforePlaying) {
        advance(5 + random() * 20);
        if (t >= duration) return reachEnd();
        shown = t;
        read(options.beforePlaying);
      }
      if (options.latePlaying) advance(10 + random() * 30);
      if (t >= duration) return reachEnd();
      shown = t;
      read('playing');
    },
    pause() {
      if (paused) return;
      closeStretch();
      paused = true;
      shown = t;
      read('timeupdate');
    },
    /**
     * Plays on for `ms` of wall time, then a timeupdate whose position was taken `lateMs`
     * before it is handled (up to 2 s: a browser that mirrors the position from its media
     * thread, as Firefox does, on a main thread busy enough to fall behind the mirror; the
     * next reading may be fresh again). Reaching the end runs the end's steps instead.
     */
    tick(ms: number, lateMs = 0) {
      if (paused || ended) return void (now += ms);
      advance(ms);
      if (t >= duration) return reachEnd();
      // The position shown was taken `lateMs` ago, and never goes back.
      shown = Math.max(shown, t - (Math.min(lateMs, 2000) / 1000) * rate);
      read('timeupdate');
    },
    /** Timeupdates 15 to 250 ms apart, for `ms` of wall time, or until the play stops, ends or wraps. */
    run(ms: number, cadence: number, jitter: number, lateness = 0) {
      // Until a loop wraps, too: a wrap begins a new viewing.
      const viewing = cycle;
      for (let spent = 0; spent < ms && !paused && !ended && cycle == viewing; ) {
        const step = Math.max(15, Math.min(250, cadence + (random() * 2 - 1) * jitter));
        spent += step;
        // Most late readings are late by a frame or a few; some, on a busy page, by seconds.
        api.tick(step, random() < lateness ? random() * (random() < 0.9 ? 100 : 2000) : 0);
      }
    },
    /** Plays to the end, in at most about `readings` readings: long media go in long stretches without one. */
    toEnd(cadence: number, jitter: number, lateness = 0, budget = 120) {
      api.play();
      for (let n = 0; !ended && !paused && cycle == cycles[cycles.length - 1]; n++) {
        const before = cycles.length;
        const left = ((duration - t) / rate) * 1000;
        const step = left / Math.max(1, budget - n);
        if (step > 250) api.tick(step + random() * 100);
        else api.run(cadence * 4, cadence, jitter, lateness);
        if (cycles.length != before) break; // a loop wrapped
        if (n > budget * 4) throw new Error('toEnd did not end');
      }
    },
    /** A seek to `target` (clamped inside the media), handled `lateMs` after it happened. */
    seek(target: number, lateMs = 0) {
      target = Math.max(0, Math.min(target, duration * 0.999));
      if (!(target >= 0)) return;
      closeStretch();
      cycle.sought = true;
      // Leaving the end begins another viewing, with all of the media played already.
      if (ended) {
        ended = false;
        newCycle(false);
      }
      t = shown = target;
      seeking = true;
      now += Math.min(lateMs, 250);
      read('seeking');
      seeking = false;
      read('timeupdate');
      if (!paused) open = t;
    },
    /** A new rate; `ratechange` fires only when it changes, and not before the tracker attached (`quiet`). */
    setRate(value: number, quiet = false) {
      if (value == rate) return;
      rate = value;
      shown = Math.max(shown, t);
      if (!quiet) read('ratechange');
    },
    /** A new source: the position back to 0, the duration unknown until its metadata, paused. */
    load(next: Source) {
      closeStretch();
      closed = [];
      // The same source again is the same viewing (a player reloading it); el.played starts over.
      cycle.unseen += Math.max(0, t - seenTo);
      // After the end, even the same source again is another viewing.
      if (next.src != source.src || ended) {
        source = next;
        newCycle(true);
      }
      t = shown = 0;
      paused = true;
      ended = false;
      duration = NaN;
      if (!options.lateSrc) src = next.src;
      read('timeupdate');
      src = next.src;
      duration = next.duration;
    },
    /** The element is released (removed, or the page left): the live session closes. */
    close() {
      shown = Math.max(shown, t);
      playhead._close(el);
    },
  };
  return api;
}

export type BrowserModel = ReturnType<typeof browserModel>;
