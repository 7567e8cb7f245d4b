/**
 * The tracker of one page: wires discovery, sessions, context, consent, storage and transport
 * together. Both entries start it: the script tag's (auto.ts) and `startTracking`.
 *
 * Nothing here may hurt the host page: every entry point is guarded, errors are swallowed
 * (and logged in debug mode), no global is added, and nothing blocks.
 */
import type { CommonFields, EventType, WireEvent } from '../wire.js';
import { createConsent, type Consent } from './consent.js';
import { pageFields, wholeNumber } from './context.js';
import { dataAttribute } from './data-attribute.js';
import { afterLoad } from './deferred-recovery.js';
import { discover } from './discovery.js';
import { EMBED_SLACK, EMBEDS, type LoadEmbeds } from './embeds-loader.js';
import type { Watch } from './embeds/state.js';
import { parseMilestones } from './milestones.js';
import type { TrackerOptions } from './options.js';
import { mark, unmark } from './owner.js';
import { wireEvent } from './payload.js';
import { PING, recover, whole } from './recovery.js';
import { CHANGED, ENDED, type Session } from './session.js';
import { drop, keep, stored, type Kept } from './store.js';
import { trackMedia, type TrackedMedia } from './tracked-media.js';
import { createTransport, MOMENT } from './transport.js';

/** Runs `fn`, swallowing what it throws. */
export type Guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R | undefined;

/** The tracker's parts, for `startTracking` to build its handle on. */
export interface PageTracker {
  _guard: Guard;
  /** Media elements and embed iframes. */
  _tracked: Map<Element, TrackedMedia>;
  _observer: MutationObserver;
  _attach(el: Element): void;
  _consent: Consent;
  /** Detaches everything: closes the sessions in progress, sends what is pending, removes every listener. Unguarded. */
  _stop(): void;
}

/**
 * How often, at most, the live sessions' state is written to storage, in ms: a page killed
 * mid-play loses at most this much of its attention span. Hiding the page writes it at once.
 */
export const KEEP_EVERY = 5000;

/**
 * Starts the tracker of the page. Its start only adds listeners and the observer: storage,
 * cookies, Web Locks and ids are touched when there is something to keep or send (issue 22).
 */
export function trackPage(options: TrackerOptions, loadEmbeds?: LoadEmbeds, onEvent?: TrackerOptions['onEvent']): PageTracker {
  // Whatever this page keeps is stamped with a time from now on: recovery leaves it alone.
  const started = Date.now();
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
  // The page's fields, read once a moment: the events built together share one reading of
  // the URL and the cookies. A change of consent reads them again at once.
  let fields: Partial<CommonFields> | undefined;
  let fieldsAt = 0;
  const page = () => {
    const now = Date.now();
    if (!fields || now - fieldsAt > MOMENT) {
      fields = pageFields(consent._identify(), wholeNumber(options.pageId));
      fieldsAt = now;
    }
    return fields;
  };
  const consent = createConsent(options.consent == 'required', () => (fields = undefined));
  const transport = createTransport(options.endpoint || '/media-events', log, guard);
  const tracked = new Map<Element, TrackedMedia>();

  /**
   * An event of `type` of `session`: the session's media, as it was when the session began,
   * and the page's fields now, so that a change of consent counts at once, both ways. None
   * while events may not be sent: then nothing is queued, kept or sent.
   */
  const build = (session: Session, type: EventType, fields: object) =>
    consent._send() &&
    wireEvent(type, session._id, { ...session._media, ...page(), ...fields });

  const queue = (event: WireEvent | false) => {
    if (event) {
      log(event);
      transport._add({ e: event, n: 0 });
      if (onEvent) guard(onEvent)(event);
    }
  };

  // A session's state as storage keeps it: its attention span's event without the span, and
  // its runs and duration, from which `whole` (recovery.ts) computes the span. None while
  // events may not be sent.
  const record = (session: Session, e = build(session, 'attention-span', {})): Kept | false =>
    e && { e, n: 0, r: session._runs, d: session._duration };

  // Each live session is kept in storage, for the next page view to send its attention span
  // if this one dies. It is written at once when play stops (a pause, a seek), and during
  // continuous play once it was last written KEEP_EVERY ms ago, never on each timeupdate, nor
  // at a milestone (whose event is kept with its request: issue 22); a session that did not
  // change since is not written again, unless `all` (another page view asks which pages live).
  // What is written is the span's event without the span, and the session's runs and duration:
  // the page view that takes it computes the span (recovery.ts). A few numbers, where the span
  // of an hour's webinar is a map of 900 entries, computed and written every few seconds.
  // A record that is not what this page wrote last was taken by another page view while this
  // one was frozen (in the back/forward cache, or a frozen tab): that view sent it, so this
  // page drops the session, and play from here on is a new one. Unless what this page wrote
  // last had nothing to say (under half a span played): that view dropped it unsent, as
  // `whole` does, and the session carries on, kept anew.
  const keepSession = (session: Session, all?: unknown) => {
    if (session._kept && stored(session._id) !== session._kept && whole(JSON.parse(session._kept))) session._gone = true;
    else if (all || session._changed) {
      const kept = record(session);
      session._changed = 0;
      session._keptAt = Date.now();
      if (kept) session._kept = keep(kept);
    }
  };
  const sessions = (fn: (session: Session) => void) =>
    tracked.forEach((media) => {
      const session = media._session();
      if (session) fn(session);
    });
  // Hidden, or asked by another page view: every session that changed, or every one.
  const keepLive = guard((all?: unknown) => {
    // The events waiting to go out again are this page's too.
    transport._touch();
    sessions((session) => keepSession(session, all));
  });
  // During play: the sessions due, and a timer for the next one due.
  let writing: ReturnType<typeof setTimeout> | 0 = 0;
  const keepDue = guard(() => {
    const now = Date.now();
    let next = Infinity;
    writing = 0;
    sessions((session) => {
      const due = (session._keptAt || 0) + KEEP_EVERY;
      if (session._changed) due > now ? (next = Math.min(next, due)) : keepSession(session);
    });
    if (next < Infinity) writing = setTimeout(keepDue, next - now);
  });
  const changed = () => writing || (writing = setTimeout(keepDue, KEEP_EVERY));
  let stopped: unknown;
  // What waits until the page has loaded, or until this tracker first has something to keep
  // (deferred-recovery.ts). Recovery of what earlier page views left, once a page view: the
  // document is marked as its first tracker starts.
  const first = mark(document);
  // Another page view (or another tracker of this one) asks which pages live: this one
  // rewrites what it holds.
  const pinged = (e: Event) => (e as StorageEvent).key == PING && keepLive(1);
  const afterStart = afterLoad(
    guard(() => {
      // Listening to `storage` binds the page's storage area, a synchronous trip to the
      // browser's storage, so not at start: nothing is kept before this.
      if (!stopped) addEventListener('storage', pinged);
      if (first) recover(started, consent._send, (items) => items.forEach(transport._add), guard);
      // The page's first read of its cookies binds the browser's cookie store, a synchronous
      // trip measured at 5 to 9 ms: made here, at idle, rather than by the first media event.
      // It reads what that event would, and nothing the visitor's consent does not allow.
      page();
    }),
  );

  // Its attention span, made whole here as another page view would, and kept at once (the
  // transport keeps it again as it sends), so a page killed before the moment's request goes
  // out still leaves the whole of it. A session that played nothing to say leaves nothing.
  const ended = (session: Session) => {
    const kept = record(session);
    kept && whole(kept) ? queue((keep(kept), kept.e)) : drop(session._id);
  };

  // Only ever called for a tracked element.
  const release = (el: Element) => {
    const media = tracked.get(el)!;
    tracked.delete(el);
    unmark(el);
    media._close();
  };

  // How a session's reports become events: HubSpot's timeline shows nothing without the
  // `media-played` STARTED of a session. (CHANGED is 0, ENDED -1 and STOPPED -2; a
  // beginning has no `what`, a milestone its percent.)
  const report = (el: Element) => (session: Session, what?: number) => {
    // The first media event runs what waits, if the page's idle time has not yet.
    afterStart();
    // Every report follows a reading: what the session keeps may have changed.
    session._changed = 1;
    if (what == CHANGED) return changed();
    if (what == ENDED) return ended(session);
    if (!what) {
      // A blob: source cannot identify the media; say so, in debug mode, once a session.
      if (!session._media.externalId) log('blob: needs data-media-id', el);
      queue(build(session, 'media-played', { state: 'STARTED' }));
    } else if (what > 0) queue(build(session, 'media-played-percent', { playedPercent: what }));
    // Play stopped: kept at once. (A milestone is followed by the reading's own report, which
    // keeps the session on the timer: the milestone's event waits in the moment's request.)
    else keepSession(session);
  };

  // Embed iframes (embeds-loader.ts): those found before the embeds build runs wait for it,
  // which is loaded once one is found, when the page is idle (as recovery is).
  let watch: Watch | undefined;
  const waiting: Element[] = [];
  const attach = (el: Element) => {
    if (!el.isConnected || dataAttribute(el, 'media-track') == 'off') return;
    const embed = el instanceof HTMLIFrameElement && loadEmbeds;
    if (embed && !watch) {
      if (waiting.push(el) == 1)
        afterLoad(
          guard(() =>
            loadEmbeds(
              guard((w) => {
                watch = w;
                if (!stopped) waiting.forEach(attach);
              }),
            ),
          ),
        );
    } else if ((embed || el instanceof HTMLMediaElement) && mark(el)) {
      // An embed's state fires a media element's events: it is tracked as one.
      const media = embed ? (watch!(el as HTMLIFrameElement) as unknown as HTMLMediaElement | undefined) : (el as HTMLMediaElement);
      const slack = embed ? EMBED_SLACK : undefined;
      media ? tracked.set(el, trackMedia(media, milestones, consent._send, report(el), guard, slack)) : unmark(el);
    }
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

  // (`_stop` removes each listener added here, and the `storage` one.)
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', hide);
  addEventListener('online', transport._retry);

  // A removed element is released: its session closes, and nothing more is sent for it.
  const sweep = () => tracked.forEach((_, el) => el.isConnected || release(el));
  // After `_stop`, a name defined late opens no root: nothing is found, nor watched again.
  const observer = discover((options.selector || 'video, audio') + (loadEmbeds ? ',' + EMBEDS : ''), attach, sweep, guard, () => !stopped);

  return {
    _guard: guard,
    _tracked: tracked,
    _observer: observer,
    _attach: attach,
    _consent: consent,
    // Not guarded here (startTracking's handle guards it): the drop-in, which never stops,
    // then carries none of it.
    _stop() {
      stopped = 1;
      observer.disconnect();
      removeEventListener('pagehide', hide);
      document.removeEventListener('visibilitychange', hide);
      removeEventListener('online', transport._retry);
      removeEventListener('storage', pinged);
      tracked.forEach((_, el) => release(el));
      transport._flush();
    },
  };
}
