/**
 * Functions that run in a test page, for every engine's suite alike (Playwright's and
 * puppeteer's `evaluate`, webdriverio's `execute`): each takes its arguments as one tuple,
 * and reads the page's instrumentation (pages.ts).
 */
import type { WireEvent } from '../src/wire.js';

/** Plays the element `id` at `rate`. */
export function playAt([id, rate]: [string, number]): Promise<void> {
  const el = document.getElementById(id) as HTMLMediaElement;
  el.playbackRate = rate;
  return el.play();
}

/** How many times the element `id` has fired `type`. */
export function mediaEventCount([id, type]: [string, string]): number {
  return (window as unknown as { __media: { id: string; type: string }[] }).__media.filter((e) => e.id == id && e.type == type).length;
}

/** What the browser says the element `id` has played: its duration, and its played ranges as runs. */
export function playedBy([id]: [string]): { duration: number; runs: [number, number][] } {
  const el = document.getElementById(id) as HTMLMediaElement;
  return { duration: el.duration, runs: Array.from({ length: el.played.length }, (_, i) => [el.played.start(i), el.played.end(i)] as [number, number]) };
}

/** The events the page has handed to sendBeacon or fetch so far. */
export function sentEvents(): WireEvent[] {
  return (window as unknown as { __sent: { body: string }[] }).__sent.flatMap((s) => JSON.parse(s.body).events as WireEvent[]);
}

/** How one element stands: what a test that waited in vain says of it. */
export interface MediaState {
  id: string;
  src: string;
  ended: boolean;
  paused: boolean;
  currentTime: number;
  duration: number;
  playbackRate: number;
  readyState: number;
  networkState: number;
  error: string | null;
  /** Why its play() was refused, if it was (`playAllAt`). */
  refused?: string;
  played: [number, number][];
}

/**
 * Starts every element of `ids` at `rate`, all at once, and returns at once: the test then
 * polls `mediaStates`, so that an element that never ends can be described. (A script that
 * awaits the ends blocks a WebDriver session until it times out, and nothing can be read.)
 */
export function playAllAt([ids, rate]: [string[], number]): void {
  const refused = ((window as unknown as { __refused: Record<string, string> }).__refused = {} as Record<string, string>);
  for (const id of ids) {
    const el = document.getElementById(id) as HTMLMediaElement;
    el.playbackRate = rate;
    el.play().catch((e) => (refused[id] = String(e)));
  }
}

/** How each element of `ids` stands. */
export function mediaStates([ids]: [string[]]): MediaState[] {
  const refused = (window as unknown as { __refused?: Record<string, string> }).__refused || {};
  return ids.map((id) => {
    const el = document.getElementById(id) as HTMLMediaElement;
    return {
      id,
      src: el.currentSrc,
      ended: el.ended,
      paused: el.paused,
      currentTime: el.currentTime,
      duration: el.duration,
      playbackRate: el.playbackRate,
      readyState: el.readyState,
      networkState: el.networkState,
      error: el.error && `MediaError ${el.error.code} "${el.error.message}"`,
      refused: refused[id],
      played: Array.from({ length: el.played.length }, (_, i) => [el.played.start(i), el.played.end(i)] as [number, number]),
    };
  });
}

/**
 * As soon as the element `id` has played to `seconds`, pauses it (`act` 'pause') or seeks it
 * to `act` seconds, in the page itself (at each timeupdate, and every 10 ms), so that no round
 * trip to the test runs between the check and the act: on a loaded machine one can take
 * longer than the margin a test's percentages leave. Resolves with the position it acted at.
 */
export function actAt([id, seconds, act]: [string, number, 'pause' | number]): Promise<number> {
  return new Promise((resolve) => {
    const el = document.getElementById(id) as HTMLMediaElement;
    const check = () => {
      const at = el.currentTime;
      if (at < seconds) return;
      clearInterval(timer);
      el.removeEventListener('timeupdate', check);
      if (act == 'pause') el.pause();
      else el.currentTime = act;
      resolve(at);
    };
    const timer = setInterval(check, 10);
    el.addEventListener('timeupdate', check);
    check();
  });
}

/** What `busyWhilePlaying` leaves on the page for `stopBusy`: its timer, and each element's readings as [page clock ms, position]. */
type Busy = { __busy: number; __readings: Record<string, [number, number][]> };

/**
 * Makes the page busy while the elements of `ids` play: a long task every second, of each
 * of `durations` ms in turn (a heavy page, a slow phone). Each element's timeupdates are
 * noted, with the page's clock, for `stopBusy`. Returns at once.
 */
export function busyWhilePlaying([ids, durations]: [string[], number[]]): void {
  const w = window as unknown as Busy;
  w.__readings = {};
  for (const id of ids) {
    const readings: [number, number][] = (w.__readings[id] = []);
    const el = document.getElementById(id) as HTMLMediaElement;
    el.addEventListener('timeupdate', () => el.paused || readings.push([Date.now(), el.currentTime]));
  }
  let turn = 0;
  w.__busy = window.setInterval(() => {
    const end = performance.now() + durations[turn++ % durations.length];
    while (performance.now() < end);
  }, 1000);
}

/**
 * Ends `busyWhilePlaying`, and says, per element, how many of its readings moved further
 * than the page's clock allowed since the one before (a quarter second of slack, at 1x), and
 * by how much at most: the readings that a stale position before them made look like a jump.
 */
export function stopBusy(): Record<string, { jumps: number; most: number }> {
  const w = window as unknown as Busy;
  clearInterval(w.__busy);
  const out: Record<string, { jumps: number; most: number }> = {};
  for (const [id, readings] of Object.entries(w.__readings)) {
    let jumps = 0;
    let most = 0;
    for (let i = 1; i < readings.length; i++) {
      const over = readings[i][1] - readings[i - 1][1] - ((readings[i][0] - readings[i - 1][0]) / 1000 + 0.25);
      if (over > 0) jumps++;
      most = Math.max(most, over);
    }
    out[id] = { jumps, most: Math.round(most * 1000) / 1000 };
  }
  return out;
}
