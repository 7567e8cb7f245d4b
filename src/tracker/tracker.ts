/**
 * `startTracking`, the ES module's entry: the page tracker, and a handle for the page.
 */
import { WATCHED } from './discovery.js';
import type { TrackerOptions } from './options.js';
import { trackPage } from './page-tracker.js';
import { union } from './played-ranges.js';

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

const noop = () => {};

/**
 * Starts tracking the page's media elements. Each call has its own state; importing the
 * module does nothing.
 */
export function startTracking(options: TrackerOptions = {}): Tracker {
  let page: ReturnType<typeof trackPage> | undefined;
  try {
    // The embeds chunk, split out by bundlers, is imported only when an embed is on the page.
    page = trackPage(options, options.embeds ? (found) => import('./embeds/watch.js').then((m) => found(m.watch), noop) : undefined, options.onEvent);
  } catch (e) {
    if (options.debug) console.log('[media-bridge]', e);
    return { stop: noop, track: noop, session: noop as () => undefined, consent: noop };
  }
  const { _guard: guard, _tracked: tracked, _observer: observer, _attach: attach } = page;
  let stopped = false;
  return {
    stop: guard(() => {
      stopped = true;
      page!._stop();
    }),
    track: guard((el: HTMLMediaElement | HTMLIFrameElement) => {
      if (stopped) return;
      attach(el);
      // The document's observer cannot see into a shadow root: watch it for removals (and
      // additions), for an element tracked, or an embed waiting for the embeds chunk.
      const root = el.getRootNode();
      if (root != document && (tracked.has(el) || (options.embeds && el instanceof HTMLIFrameElement))) observer.observe(root, WATCHED);
    }),
    session: guard((el: HTMLMediaElement | HTMLIFrameElement) => {
      const media = tracked.get(el);
      const session = media && media._session();
      return session
        ? {
            sessionId: session._id,
            duration: session._duration ?? NaN,
            played: union(session._runs, session._duration || Infinity),
            milestones: session._sent.slice(),
          }
        : undefined;
    }),
    consent: guard(page._consent._set),
  };
}
