import Cookies from 'js-cookie';

/**
 * Finds the media elements to track: those in the document when tracking starts, and each
 * one added later (a MutationObserver sees what the parser, a framework or a script inserts).
 */
/** What the observer watches: the document, and the shadow roots handed to `track()`. */
const WATCHED = { childList: true, subtree: true };
/**
 * Calls `found` for each element matching `selector`, now and whenever one is added, and
 * `removed` after each batch of changes (the caller knows which elements it holds, and
 * checks which of them left the document).
 */
function discover(selector, found, removed, guard) {
    const search = (node) => {
        if (node.nodeType == 1) {
            if (node.matches(selector))
                found(node);
            node.querySelectorAll(selector).forEach(found);
        }
    };
    const observer = new MutationObserver(guard((records) => {
        records.forEach((record) => record.addedNodes.forEach(search));
        removed();
    }));
    observer.observe(document, WATCHED);
    search(document.documentElement);
    return observer;
}

/**
 * The visitor's consent, as issue 2 defines it. Anonymous events go out unless consent is
 * required; the visitor is identified (`hubspotutk`, `_hsenc`) only without any opt-out.
 */
function createConsent(required) {
    const hsp = window._hsp;
    // Consent is implied only where nothing asks for it: no HubSpot banner, not required.
    let granted = !required && !hsp;
    // The banner calls back with the visitor's choice, and again on each change.
    // https://developers.hubspot.com/docs/api-reference/latest/account/settings/consent-banner/consent-banner-api
    if (hsp)
        hsp.push([
            'addPrivacyConsentListener',
            (c) => (granted = !!(c && (c.categories ? c.categories.analytics : c.allowed))),
        ]);
    return {
        _send: () => granted || !required,
        _identify: () => granted &&
            !Cookies.get('__hs_do_not_track') &&
            // Global Privacy Control: https://privacycg.github.io/gpc-spec/
            navigator.globalPrivacyControl !== true,
        _set: (value) => (granted = value),
    };
}

/**
 * The context fields of an event: who is watching, on which page, and which media. Read as
 * each event is built, so that a change of consent, title or attributes counts at once.
 */
/** A whole number written in decimal digits, as a number; undefined for anything else. */
function wholeNumber(value) {
    // test() reads its argument as a string: undefined is "undefined", 42 is "42".
    return /^\d+$/.test(value) ? Number(value) : undefined;
}
// HubSpot's `hubspotutk` cookie holds 32 hex digits; anything else is not one.
const UTK = /^[\da-f]{32}$/i;
/**
 * The page fields. Unless `identify`, neither `hubspotutk` nor `_hsenc` is read, and
 * `pageUrl` goes without its query string, where `_hsenc` and the visitor cookies that
 * HubSpot copies into links across domains (`__hstc`, `__hssc`, `__hsfp`) travel.
 */
function pageFields(identify, pageId) {
    const url = new URL(location.href);
    const hsenc = identify && url.searchParams.get('_hsenc');
    const utk = identify && Cookies.get('hubspotutk');
    const hsVars = window.hsVars;
    url.hash = '';
    if (!identify)
        url.search = '';
    return {
        // As in wholeNumber: no cookie, or no consent, tests as "undefined" or "false".
        contactUtk: UTK.test(utk) ? utk : undefined,
        _hsenc: hsenc || undefined,
        externalPlayContext: hsenc ? 'EMAIL' : 'EXTERNAL_PAGE',
        // On HubSpot CMS pages, `hsVars.page_id` is the page's id.
        pageId: pageId || wholeNumber(hsVars && hsVars.page_id),
        pageName: document.title,
        pageUrl: url.href,
    };
}
/** Whether a source URL lives only in this page: a MediaSource `blob:`, or a `data:` URL. */
const isPageLocal = (src) => /^(blob|data):/.test(src);
const MEDIA_TYPES = /^(VIDEO|AUDIO|DOCUMENT|IMAGE|OTHER)$/;
/** The media fields of a media element, from its data attributes and its current source. */
function mediaFields(el) {
    const data = el.dataset;
    // hls.js, dash.js and Shaka play from a blob: URL that changes on every load, so it
    // identifies nothing; a data: URL can be megabytes. Neither is sent.
    const url = isPageLocal(el.currentSrc) ? '' : el.currentSrc;
    const type = data.mediaType;
    let file;
    try {
        file = decodeURIComponent(new URL(url).pathname.split('/').pop());
    }
    catch {
        /* no URL, or a malformed escape */
    }
    return {
        // tagName is VIDEO or AUDIO, HubSpot's names for them.
        // test() reads undefined as "undefined", which is no media type.
        mediaType: (MEDIA_TYPES.test(type) ? type : el.tagName),
        externalId: data.mediaId || url,
        mediaBridgeId: wholeNumber(data.mediaBridgeId),
        mediaName: data.mediaName || el.title || el.getAttribute('aria-label') || file,
        mediaUrl: url,
    };
}

/** The quartiles HubSpot's media reports are built on. */
const DEFAULT_MILESTONES = '25,50,75,100';
/**
 * Reads a milestone list, `"25,50,75,100"` or `[25, 50]`: whole percents from 1 to 100, in
 * ascending order, each once (HubSpot's `playedPercent` is an integer). Anything else is dropped.
 */
function parseMilestones(value) {
    return String(value == null ? DEFAULT_MILESTONES : value)
        .split(',')
        .map(Number)
        .filter((m, i, all) => m > 0 && m <= 100 && !(m % 1) && all.indexOf(m) == i)
        .sort((a, b) => a - b);
}
/**
 * The milestones that `played` seconds of a `duration` reach and that are not in `sent` yet,
 * in ascending order. Nothing for a duration that is unknown (NaN), 0 or Infinity (a live
 * stream): a share of it means nothing.
 */
function reachedMilestones(milestones, sent, played, duration) {
    return duration > 0 && duration < Infinity
        ? milestones.filter((m) => sent.indexOf(m) < 0 && played * 100 >= m * duration)
        : [];
}

/**
 * A random id for an event or a session. `crypto.randomUUID` exists only in secure contexts;
 * a page served over plain http gets 52 random bits and the time instead, which is enough
 * for the proxy to tell events apart.
 */
function newId() {
    try {
        return crypto.randomUUID();
    }
    catch {
        return Math.random() + '-' + Date.now();
    }
}

/**
 * One event on the wire. A field with no value is left out, never sent as null or ""
 * (src/wire.ts); no field of an event is legitimately 0 or false.
 */
function wireEvent(type, sessionId, fields) {
    const event = { type, id: newId(), occurredTimestamp: Date.now(), sessionId, ...fields };
    for (const key in event)
        if (!event[key])
            delete event[key];
    return event;
}

/**
 * The record of what was played in one session: the runs of continuous playback, in the
 * order they happened. Quartile progress reads their union; the per-second attention span
 * (issue 5) will count, for each second, how many runs cover it. One record serves both,
 * so the two can never disagree.
 */
/**
 * Records that the media played from `from` to `to`. Play that carries on where the last
 * run stopped extends it, so the record grows only with seeks, wraps and resumptions elsewhere.
 */
function addPlay(runs, from, to) {
    const last = runs[runs.length - 1];
    if (last && last[1] == from)
        last[1] = to;
    else
        runs.push([from, to]);
}
/** The union of the runs, cut at `end`: sorted, disjoint intervals (what a "played" bar draws). */
function union(runs, end) {
    const out = [];
    for (const [from, until] of [...runs].sort((x, y) => x[0] - y[0])) {
        const last = out[out.length - 1];
        const to = Math.min(until, end);
        if (last && from <= last[1])
            last[1] = Math.max(last[1], to);
        else if (to > from)
            out.push([from, to]);
    }
    return out;
}
/** Seconds of `[0, end]` played at least once: the length of the union, so re-watching counts once. */
function playedSeconds(runs, end) {
    return union(runs, end).reduce((sum, [from, to]) => sum + to - from, 0);
}

/**
 * Sessions and progress for one media element, as pure logic: it reads the element's state
 * when one of its events fires, and reports what happened. The DOM side (listeners) lives
 * in tracked-media.ts.
 *
 * A session is one viewing of one source (issue 2). It begins at the first `playing` of a
 * source, and ends on `ended`, on a change of `currentSrc`, on each wrap-around of a `loop`,
 * or when the element is released.
 */
/** `el.played` as runs. */
function playedRuns(ranges) {
    const runs = [];
    for (let i = 0; i < ranges.length; i++)
        runs.push([ranges.start(i), ranges.end(i)]);
    return runs;
}
// A seek back from within this many seconds of the end of a looping media is its wrap-around.
const WRAP_SLACK = 0.1;
// Seconds: timeupdates come up to 250 ms apart (HTML), and so may the handling of two events.
const CLOCK_SLACK = 0.25;
function createPlayhead(milestones, newId, report) {
    let session;
    // Where the media was at the last reading: NaN before the first, so that nothing is
    // credited before the tracker has seen a position.
    let pos = NaN;
    // When the last reading was taken, if the media was playing then; 0 if it was not.
    let at = 0;
    // Issue 5 reports the session's attention span here.
    const end = () => (session = undefined);
    const read = (el, type, mayBegin, now = Date.now()) => {
        const duration = el.duration;
        const src = el.currentSrc;
        let to = el.currentTime;
        let next = to;
        // A new currentSrc is a new source. Compare sources rather than count `loadstart`s:
        // players reload the same source, and that is still one viewing.
        if (session && session._src != src)
            end();
        // Of the readings, `playing`, `timeupdate` and `attach` may begin a session; `seeking`,
        // `ended`, `volumechange` and the tracker's `hide` and `close` may not.
        if (!session && mayBegin && !el.paused && /^[pta]/.test(type)) {
            // A tracker attached to a playing element credits what it has played already.
            session = { _id: newId(), _src: src, _runs: type == 'attach' ? playedRuns(el.played) : [], _sent: [] };
            report(session);
        }
        if (type == 'seeking' || el.seeking) {
            // currentTime already holds the seek target (HTML "seeking" steps). Where play stopped
            // is in `el.played`, which the browser closes at the seek: the end of the last range
            // that starts at or before `pos` (sorted and disjoint; one that ends before `pos`
            // credits nothing). That range may hold plays of earlier sessions, so the clock bounds
            // it too, with the slack of one timeupdate for events handled late on a busy page.
            to = pos;
            if (at)
                for (const [from, until] of playedRuns(el.played))
                    if (from <= pos)
                        to = Math.min(until, pos + ((now - at) / 1e3 + CLOCK_SLACK) * el.playbackRate);
            // The wrap of a loop. Firefox reports it with currentTime already past 0 and `seeking` false.
            if (el.loop && next < pos && to >= duration - WRAP_SLACK)
                next = -1;
        }
        // `ended` means the end was reached, even when the last timeupdate stopped short of it.
        // (A stream of infinite duration never ends.)
        if (type == 'ended' && duration > to)
            to = duration;
        if (session) {
            if (to > pos)
                addPlay(session._runs, pos, to);
            for (const m of reachedMilestones(milestones, session._sent, playedSeconds(session._runs, duration), duration)) {
                session._sent.push(m);
                report(session, m);
            }
        }
        if (type == 'ended' || next < 0)
            end();
        // A loop plays on from its start (HTML: "seek to the earliest possible position").
        pos = next < 0 ? 0 : next;
        at = el.paused ? 0 : now;
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

/**
 * One tracked media element: its listeners, feeding readings to its playhead.
 */
// `timeupdate` also fires when playback pauses (HTML "internal pause steps"), and when a new
// source resets the position, so neither `pause` nor `loadstart` is needed.
const EVENTS = ['play', 'playing', 'timeupdate', 'seeking', 'ended', 'volumechange'];
function trackMedia(el, milestones, mayBegin, report, guard) {
    // Background videos (issue 2): a video playing muted, such as a hero banner, would burn
    // API quota and tell nothing, so it is not tracked until the visitor unmutes it or starts
    // it with a click or a key.
    let touched = el.dataset.mediaTrack == 'on';
    const playhead = createPlayhead(milestones, newId, report);
    const read = (type) => playhead._read(el, type, mayBegin() && (touched || !el.muted));
    const on = guard((e) => {
        const type = e.type;
        const activation = navigator.userActivation;
        if (type == 'volumechange' && !el.muted)
            touched = true;
        // `play` is only looked at for a user gesture (Chromium's native controls keep pointer
        // events from the page, so a gesture is what is left to see). It is not read: the clock
        // runs on before `playing`, and the first run must start where play started.
        // https://html.spec.whatwg.org/multipage/interaction.html#user-activation-data-model
        if (type != 'play')
            read(type);
        else if (activation && activation.isActive)
            touched = true;
    });
    EVENTS.forEach((type) => el.addEventListener(type, on));
    read('attach');
    return {
        ...playhead,
        _read: read,
        _close() {
            EVENTS.forEach((type) => el.removeEventListener(type, on));
            playhead._close(el);
        },
    };
}

/**
 * The wire format between the tracker and the proxy, shared by both sides.
 *
 * A beacon is `POST <endpoint>` with a JSON body sent as `text/plain;charset=UTF-8`
 * (a CORS "simple request", so no preflight): `{"events": [WireEvent, …]}`.
 *
 * Apart from `type` and `id`, every field of an event is exactly the field of
 * HubSpot's request body for that event type:
 * https://developers.hubspot.com/docs/api-reference/latest/cms/media-bridge/events/media-played
 * A field with no value is left out, never sent as null or "".
 *
 * The tracker imports only the types from here; the runtime tables below are for
 * the proxy's validator and are tree-shaken out of the browser bundle.
 */
/** Largest body the proxy reads (64 KiB); the tracker keeps each request under 60 KiB. */
/** Most events the proxy accepts in one request. */
const MAX_EVENTS_PER_REQUEST = 50;

/**
 * Sends events to the proxy: the events of one moment in one request, each request under
 * 60 KiB and 50 events, as text/plain so that a cross-origin proxy gets no CORS preflight.
 */
// Under the proxy's 64 KiB cap, and under the 64 KiB that sendBeacon and keepalive fetch
// may have in flight (Fetch standard, "keepalive"). A UTF-16 code unit takes at most 3
// bytes of UTF-8, so a body of up to a third of this many characters fits.
const MAX_REQUEST_BYTES = 60 * 1024;
// `{"events":[` and `]}`, and the comma before the next event, at 3 bytes a character.
const WRAPPER = 15 * 3;
/** Cuts `events` into request bodies, in order, and hands each to `send`. */
function batches(events, send) {
    let batch = [];
    const close = () => batch.length && send(`{"events":[${batch}]}`);
    for (const event of events) {
        const json = JSON.stringify(event);
        if (batch.length == MAX_EVENTS_PER_REQUEST || (batch + json).length * 3 > MAX_REQUEST_BYTES - WRAPPER) {
            close();
            batch = [];
        }
        batch.push(json);
    }
    close();
}
/** Posts one body; a string body goes as `text/plain;charset=UTF-8`. */
function send(endpoint, body) {
    try {
        // sendBeacon outlives the page; it returns false when its queue is full.
        if (navigator.sendBeacon(endpoint, body))
            return;
    }
    catch {
        /* missing, or the URL is refused */
    }
    fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(() => {
        /* offline or refused: issue 5 will keep such events */
    });
}
function createTransport(endpoint, guard) {
    let queue = [];
    const flush = () => {
        batches(queue, (body) => send(endpoint, body));
        queue = [];
    };
    const later = guard(flush);
    return {
        _add(event) {
            // The first event of a moment schedules the send, after the moment's other events.
            if (queue.push(event) == 1)
                queueMicrotask(later);
        },
        _flush: flush,
    };
}

/**
 * The tracker of one page: wires discovery, sessions, context, consent and transport
 * together. Both entries start it: the script tag's (auto.ts) and `startTracking`.
 *
 * Nothing here may hurt the host page: every entry point is guarded, errors are swallowed
 * (and logged in debug mode), no global is added, and nothing blocks.
 */
function trackPage(options) {
    const log = (...args) => options.debug && console.log('[media-bridge]', ...args);
    const guard = (fn) => (...args) => {
        try {
            return fn(...args);
        }
        catch (e) {
            log(e);
        }
    };
    const milestones = parseMilestones(options.milestones);
    const consent = createConsent(options.consent == 'required');
    const transport = createTransport(options.endpoint || '/media-events', guard);
    const tracked = new Map();
    const emit = (el, session, percent) => {
        if (!consent._send())
            return;
        const fields = mediaFields(el);
        // A blob: source cannot identify the media; say so once a session, in debug mode.
        if (!percent && !fields.externalId)
            log('blob: needs data-media-id', el);
        // HubSpot's timeline shows nothing without the `media-played` STARTED of a session.
        const event = wireEvent(percent ? 'media-played-percent' : 'media-played', session._id, {
            ...fields,
            ...pageFields(consent._identify(), wholeNumber(options.pageId)),
            ...(percent ? { playedPercent: percent } : { state: 'STARTED' }),
        });
        log(event);
        transport._add(event);
        if (options.onEvent)
            guard(options.onEvent)(event);
    };
    const release = (el) => {
        const media = tracked.get(el);
        tracked.delete(el);
        if (media)
            media._close();
    };
    const attach = (el) => {
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

/**
 * `startTracking`, the ES module's entry: the page tracker, and a handle for the page.
 */
const noop = () => { };
/**
 * Starts tracking the page's media elements. Each call has its own state; importing the
 * module does nothing.
 */
function startTracking(options = {}) {
    let page;
    try {
        page = trackPage(options);
    }
    catch (e) {
        if (options.debug)
            console.log('[media-bridge]', e);
        return { stop: noop, track: noop, session: noop, consent: noop };
    }
    const { _guard: guard, _tracked: tracked, _observer: observer, _attach: attach, _release: release, _hide: hide } = page;
    let stopped = false;
    return {
        stop: guard(() => {
            stopped = true;
            observer.disconnect();
            removeEventListener('pagehide', hide);
            document.removeEventListener('visibilitychange', hide);
            tracked.forEach((_, el) => release(el));
            page._transport._flush();
        }),
        track: guard((el) => {
            if (stopped)
                return;
            attach(el);
            // The document's observer cannot see into a shadow root: watch it for removals (and additions).
            const root = el.getRootNode();
            if (root != document && tracked.has(el))
                observer.observe(root, WATCHED);
        }),
        session: guard((el) => {
            const media = tracked.get(el);
            const session = media && media._session();
            return session
                ? {
                    sessionId: session._id,
                    duration: el.duration,
                    played: union(session._runs, el.duration || Infinity),
                    milestones: session._sent.slice(),
                }
                : undefined;
        }),
        consent: guard(page._consent._set),
    };
}

export { startTracking };
