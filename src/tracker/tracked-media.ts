/**
 * One tracked media element: its listeners, feeding readings to its playhead.
 */
import { newId } from './id.js';
import { createPlayhead, type Report, type Session } from './session.js';

// `timeupdate` also fires when playback pauses (HTML "internal pause steps"), and when a new
// source resets the position, so neither `pause` nor `loadstart` is needed.
const EVENTS = ['playing', 'timeupdate', 'seeking', 'ended', 'volumechange', 'pointerdown', 'keydown'];

export interface TrackedMedia {
  /** Takes a reading outside the element's own events (the page is being hidden). */
  _read(type: string): void;
  /** Removes the listeners and closes the session. */
  _close(): void;
  _session(): Session | undefined;
}

export function trackMedia(
  el: HTMLMediaElement,
  milestones: number[],
  mayBegin: () => boolean,
  report: Report,
  guard: (fn: (e: Event) => void) => (e: Event) => void,
): TrackedMedia {
  // Background videos (issue 2): a video playing muted, such as a hero banner, would burn
  // API quota and tell nothing, so it is not tracked until the visitor interacts with it.
  let touched = el.dataset.mediaTrack == 'on';
  const playhead = createPlayhead(milestones, newId, report);
  const read = (type: string) => playhead._read(el, type, mayBegin() && (touched || !el.muted));
  const on = guard((e) => {
    if (/down$/.test(e.type) || (e.type == 'volumechange' && !el.muted)) touched = true;
    read(e.type);
  });
  EVENTS.forEach((type) => el.addEventListener(type, on));
  read('attach');
  return {
    _read: read,
    _close() {
      EVENTS.forEach((type) => el.removeEventListener(type, on));
      playhead._close(el);
    },
    _session: playhead._session,
  };
}
