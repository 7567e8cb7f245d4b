/**
 * One tracked media element: its listeners, feeding readings to its playhead.
 */
import { mediaFields } from './context.js';
import { dataAttribute } from './data-attribute.js';
import { newId } from './id.js';
import { createPlayhead, type Report, type Session } from './session.js';

// `timeupdate` also fires when playback pauses (HTML "internal pause steps"), and when a new
// source resets the position, so neither `pause` nor `loadstart` is needed. `ratechange` is
// read so that the clock the playhead bounds a seek with counts each stretch at its own rate.
const EVENTS = ['play', 'playing', 'timeupdate', 'seeking', 'ended', 'volumechange', 'ratechange'];

export interface TrackedMedia {
  /** Takes a reading outside the element's own events (the page is being hidden). */
  _read(type: string): void;
  /** Removes the listeners and closes the session. */
  _close(): void;
  _session(): Session | undefined;
}

/** Tracks `el`: `report` hears of its sessions (session.ts); `slack` is the playhead's. */
export function trackMedia(
  el: HTMLMediaElement,
  milestones: number[],
  mayBegin: () => boolean,
  report: Report,
  guard: (fn: (e: Event) => void) => (e: Event) => void,
  slack?: number,
): TrackedMedia {
  // Background videos (issue 2): a video playing muted, such as a hero banner, would burn
  // API quota and tell nothing, so it is not tracked until the visitor unmutes it or starts
  // it with a click or a key.
  // data-media-track="on" says otherwise, on the element or on a player enclosing it.
  let touched = dataAttribute(el, 'media-track') == 'on';
  const playhead = createPlayhead<HTMLMediaElement>(milestones, newId, report, mediaFields, slack);
  const read = (type: string) => playhead._read(el, type, mayBegin() && (touched || !el.muted));
  const on = guard((e) => {
    const type = e.type;
    if (type == 'volumechange' && !el.muted) touched = true;
    // `play` is only looked at for a user gesture (Chromium's native controls keep pointer
    // events from the page, so a gesture is what is left to see). It is not read: the clock
    // runs on before `playing`, and the first run must start where play started.
    // https://html.spec.whatwg.org/multipage/interaction.html#user-activation-data-model
    if (type != 'play') read(type);
    else if (navigator.userActivation && navigator.userActivation.isActive) touched = true;
  });
  EVENTS.forEach((type) => el.addEventListener(type, on));
  // The tracker's first look, for media already playing or moved on (what played before is
  // credited if a session begins now). One at its start and paused says nothing the first
  // reading of its own will not (the playhead counts a new source from 0), so it is not read.
  if (!el.paused || el.currentTime) read('attach');
  return {
    ...playhead,
    _read: read,
    _close() {
      EVENTS.forEach((type) => el.removeEventListener(type, on));
      playhead._close(el);
    },
  };
}
