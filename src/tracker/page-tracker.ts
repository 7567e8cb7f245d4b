/**
 * The tracker of one page: wires discovery, sessions, context, consent and transport
 * together. Both entries start it: the script tag's (auto.ts) and `startTracking`.
 *
 * Nothing here may hurt the host page: every entry point is guarded, errors are swallowed
 * (and logged in debug mode), no global is added, and nothing blocks.
 */
import { createConsent, type Consent } from './consent.js';
import { mediaFields, pageFields, wholeNumber } from './context.js';
import { discover } from './discovery.js';
import { parseMilestones } from './milestones.js';
import type { TrackerOptions } from './options.js';
import { wireEvent } from './payload.js';
import type { Session } from './session.js';
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
  _hide(): void;
  _consent: Consent;
  _transport: Transport;
}

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
  const transport = createTransport(options.endpoint || '/media-events', guard);
  const tracked = new Map<HTMLMediaElement, TrackedMedia>();

  const emit = (el: HTMLMediaElement, session: Session, percent?: number) => {
    if (!consent._send()) return;
    const fields = mediaFields(el);
    // A blob: source cannot identify the media; say so once a session, in debug mode.
    if (!percent && !fields.externalId) log('blob: needs data-media-id', el);
    // HubSpot's timeline shows nothing without the `media-played` STARTED of a session.
    const event = wireEvent(
      percent ? 'media-played-percent' : 'media-played',
      session._id,
      {
        ...fields,
        ...pageFields(consent._identify(), wholeNumber(options.pageId)),
        ...(percent ? { playedPercent: percent } : { state: 'STARTED' }),
      },
    );
    log(event);
    transport._add(event);
    if (options.onEvent) guard(options.onEvent)(event);
  };

  const release = (el: HTMLMediaElement) => {
    const media = tracked.get(el);
    tracked.delete(el);
    if (media) media._close();
  };

  const attach = (el: Element) => {
    if (el instanceof HTMLMediaElement && el.isConnected && !tracked.has(el) && el.dataset.mediaTrack != 'off')
      tracked.set(el, trackMedia(el, milestones, consent._send, (session, percent) => emit(el, session, percent), guard));
  };

  // Hidden or left: credit what played since the last timeupdate, and send it now. Never on
  // unload or beforeunload, which keep a page out of the back/forward cache. Becoming
  // visible runs it too, harmlessly: it credits only what did play.
  const hide = guard(() => {
    tracked.forEach((media) => media._read('hide'));
    transport._flush();
  });
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', hide);

  // A removed element is released: its session closes, and nothing more is sent for it.
  const sweep = () => tracked.forEach((_, el) => el.isConnected || release(el));

  return {
    _guard: guard,
    _tracked: tracked,
    _observer: discover(options.selector || 'video, audio', attach, sweep, guard),
    _attach: attach,
    _release: release,
    _hide: hide,
    _consent: consent,
    _transport: transport,
  };
}
