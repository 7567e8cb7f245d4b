/**
 * The tracker of one page: wires discovery, sessions, context, consent, storage and transport
 * together. Both entries start it: the script tag's (auto.ts) and `startTracking`.
 *
 * Nothing here may hurt the host page: every entry point is guarded, errors are swallowed
 * (and logged in debug mode), no global is added, and nothing blocks.
 */
import type { EventType, WireEvent } from '../wire.js';
import { attentionSpan } from './attention-span.js';
import { createConsent, type Consent } from './consent.js';
import { pageFields, wholeNumber } from './context.js';
import { dataAttribute } from './data-attribute.js';
import { discover } from './discovery.js';
import { parseMilestones } from './milestones.js';
import type { TrackerOptions } from './options.js';
import { mark, unmark } from './owner.js';
import { wireEvent } from './payload.js';
import { PING, recover } from './recovery.js';
import { CHANGED, ENDED, type Session } from './session.js';
import { drop, keep, load } from './store.js';
import { trackMedia, type TrackedMedia } from './tracked-media.js';
import { createTransport, type Transport } from './transport.js';

/** Runs `fn`, swallowing what it throws. */
export type Guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R | undefined;

/** The tracker's parts, for `startTracking` to build its handle on. */
export interface PageTracker {
  _guard: Guard;
  _tracked: Map<HTMLMediaElement, TrackedMedia>;
  _observer: MutationObserver;
  _attach(el: Element): void;
  _release(el: HTMLMediaElement): void;
  /** The window and document listeners, for `stop()` to remove. */
  _listeners: [EventTarget, string, (e: Event) => void][];
  _consent: Consent;
  _transport: Transport;
}

/**
 * How often, at most, the live sessions' state is written to storage, in ms: a page killed
 * mid-play loses at most this much of its attention span. Hiding the page writes it at once.
 */
export const KEEP_EVERY = 5000;

export function trackPage(options: TrackerOptions): PageTracker {
  const log = (...args: unknown[]) => options.debug && console.log('[media-bridge]', ...args);
  const guard: Guard =
    (fn) =>
    (...args) => {
      try {
        return fn(...args);
      } catch (e) {
        log(e);
      }
    };
  const milestones = parseMilestones(options.milestones);
  const consent = createConsent(options.consent == 'required');
  const transport = createTransport(options.endpoint || '/media-events', log, guard);
  const pageId = wholeNumber(options.pageId);
  const tracked = new Map<HTMLMediaElement, TrackedMedia>();

  /**
   * An event of `type` of `session`: the session's media, as it was when the session began,
   * and the page's fields now, so that a change of consent counts at once, both ways. None
   * while events may not be sent: then nothing is queued, kept or sent.
   */
  const build = (session: Session, type: EventType, fields: object) =>
    consent._send() &&
    wireEvent(type, session._id, { ...session._media, ...pageFields(consent._identify(), pageId), ...fields });

  const queue = (event: WireEvent | false) => {
    if (event) {
      log(event);
      transport._add({ e: event, n: 0 });
      if (options.onEvent) guard(options.onEvent)(event);
    }
  };

  // The attention span as it stands, of a session that has played some of a known duration.
  const span = (session: Session) => {
    const fields = attentionSpan(session._runs, session._duration!);
    // Its id is its session's: one attention span per session, and every copy of it (kept in
    // storage, sent again) is one event to the proxy.
    return fields && build(session, 'attention-span', { ...fields, id: session._id });
  };

  // Each live session's attention span is kept in storage, for the next page view to send if
  // this one dies. It is written at once when play stops (a pause, a seek, the end) or reaches
  // a milestone, and during continuous play at most every KEEP_EVERY ms, never on each
  // timeupdate. A record that is gone, or that went out (a live one never does), was taken by
  // another page view while this one was frozen (in the back/forward cache, or a frozen tab):
  // that view sent it, so this page drops the session, and play from here on is a new one.
  const keepSession = (session: Session) => {
    const kept = load(session._id);
    if (session._kept && (!kept || kept.n)) session._gone = true;
    else {
      const event = span(session);
      if (event) session._kept = keep({ e: event, n: 0 }) as boolean;
    }
  };
  let writing: ReturnType<typeof setTimeout> | 0 = 0;
  const keepLive = guard(() => {
    // A write the timer still holds only writes again, harmlessly.
    writing = 0;
    // The events waiting to go out again are this page's too.
    transport._touch();
    tracked.forEach((media) => {
      const session = media._session();
      if (session) keepSession(session);
    });
  });
  const changed = () => writing || (writing = setTimeout(keepLive, KEEP_EVERY));

  const ended = (session: Session) => {
    const event = span(session);
    // Kept at once (the transport keeps it again as it sends), so a page killed before the
    // moment's request goes out still leaves the whole of it.
    if (event) queue((keep({ e: event, n: 0 }), event));
    else drop(session._id);
  };

  // Only ever called for a tracked element.
  const release = (el: HTMLMediaElement) => {
    const media = tracked.get(el)!;
    tracked.delete(el);
    unmark(el);
    media._close();
  };

  const attach = (el: Element) => {
    if (el instanceof HTMLMediaElement && el.isConnected && dataAttribute(el, 'media-track') != 'off' && mark(el))
      tracked.set(
        el,
        // How a session's reports become events: HubSpot's timeline shows nothing without the
        // `media-played` STARTED of a session. (CHANGED is 0, ENDED -1 and STOPPED -2; a
        // beginning has no `what`, a milestone its percent.)
        trackMedia(
          el,
          milestones,
          consent._send,
          (session, what) => {
            if (what == CHANGED) return changed();
            if (what == ENDED) return ended(session);
            if (!what) {
              // A blob: source cannot identify the media; say so, in debug mode, once a session.
              if (!session._media.externalId) log('blob: needs data-media-id', el);
              queue(build(session, 'media-played', { state: 'STARTED' }));
            } else {
              if (what > 0) queue(build(session, 'media-played-percent', { playedPercent: what }));
              keepSession(session);
            }
          },
          guard,
        ),
      );
  };

  // Hidden or left: credit what played since the last timeupdate, keep the live sessions'
  // state, and send what is pending. A page left for good (`pagehide`, not `persisted`) ends
  // its sessions; one hidden, or kept in the back/forward cache, carries them on. Never on
  // unload or beforeunload, which keep a page out of that cache. Becoming visible runs it
  // too: it credits only what did play, and finds the sessions another page view took.
  const hide = guard((e: Event) => {
    tracked.forEach((media, el) =>
      e.type == 'pagehide' && !(e as PageTransitionEvent).persisted ? release(el) : media._read('hide'),
    );
    keepLive();
    transport._flush();
  });

  const listeners: PageTracker['_listeners'] = [
    [window, 'pagehide', hide],
    [document, 'visibilitychange', hide],
    // Another page view (or another tracker of this one) asks which pages live: this one
    // rewrites what it holds.
    [window, 'storage', (e) => (e as StorageEvent).key == PING && keepLive()],
    [window, 'online', transport._retry],
  ];
  listeners.forEach(([target, type, fn]) => target.addEventListener(type, fn));
  // Once a page view: the document is marked as its first tracker starts.
  if (mark(document)) recover(consent._send, (items) => items.forEach(transport._add), guard);

  // A removed element is released: its session closes, and nothing more is sent for it.
  const sweep = () => tracked.forEach((_, el) => el.isConnected || release(el));

  return {
    _guard: guard,
    _tracked: tracked,
    _observer: discover(options.selector || 'video, audio', attach, sweep, guard),
    _attach: attach,
    _release: release,
    _listeners: listeners,
    _consent: consent,
    _transport: transport,
  };
}
