import Cookies from 'js-cookie';

/**
 * The open shadow roots that discovery meets (issue 25). Players built as web components
 * (`<mux-player>`, `<hls-video>`, media-chrome's themes) keep their `<video>` in a shadow
 * root, often two levels down, where neither `querySelectorAll` nor the document's
 * MutationObserver reaches.
 *
 * Each element discovery meets is looked at once: an open shadow root is handed on to be
 * searched and observed like the document. A custom element not defined yet has no shadow
 * root so far, and nothing in the light DOM announces the one its upgrade attaches: it waits
 * for its name to be defined, once a name, never by polling. A closed root cannot be reached
 * (the page hands its media to `track()`), nor can a root attached later than its element's
 * upgrade.
 */
/**
 * What looks at each element discovery meets: `open` gets its open shadow root, now, or
 * once its name is defined. `guard` runs what comes later (discovery's guard).
 */
function shadowRoots(open, guard) {
    const waiting = {};
    return (el) => {
        const root = el.shadowRoot;
        const name = el.localName;
        if (root)
            open(root);
        // A name with a hyphen, not defined yet (`is=` elements, named otherwise, are left out:
        // whenDefined would refuse their tag name).
        else if (name.includes('-') && el.matches(':not(:defined)')) {
            let wait = waiting[name];
            if (!wait) {
                wait = waiting[name] = { _met: [], _limit: 64 };
                customElements.whenDefined(name).then(guard(() => {
                    // Upgraded now, in the document, with the roots their constructors attached.
                    // Only looked at for a root: one never upgraded (removed before) is not waited for again.
                    waiting[name]._met.forEach((met) => {
                        const root = met.shadowRoot;
                        if (root)
                            open(root);
                    });
                    delete waiting[name];
                }));
            }
            // A name never defined must not keep every element of it that the page removed: past
            // the limit the removed ones are let go, and the limit doubles what is left.
            if (wait._met.push(el) > wait._limit) {
                wait._met = wait._met.filter((met) => met.isConnected);
                wait._limit = 2 * wait._met.length + 64;
            }
        }
    };
}

/**
 * Finds the media elements to track: those in the document when tracking starts, and each
 * one added later (a MutationObserver sees what the parser, a framework or a script inserts),
 * in the document and in the open shadow roots within it, at any depth (shadow-roots.ts).
 */
/**
 * What the observer watches: the document, the open shadow roots met, and those handed to
 * `track()`; and changes of `src`, for lazy embeds given theirs later (`data-src` to `src`).
 */
const WATCHED = { childList: true, subtree: true, attributeFilter: ['src'] };
/**
 * Calls `found` for each element matching `selector`, now and whenever one is added, and
 * `removed` after each batch of changes (the caller knows which elements it holds, and
 * checks which of them left the document). Once `live()` is false (the tracker stopped, and
 * disconnected the observer returned), a shadow root met later, as a name is defined, is
 * neither searched nor observed.
 *
 * Each tree is searched once, as it is met: the document at the start, then each added
 * subtree and each open shadow root, which is then observed as the document is. Nothing is
 * searched again on later changes, so a page full of custom elements costs one look at each
 * element.
 */
function discover(selector, found, removed, guard, live) {
    // The document, a shadow root, or any node added to either.
    const search = (node) => {
        if (node.nodeType == 1) {
            if (node.matches(selector))
                found(node);
            look(node);
        }
        // Elements, shadow roots and the document have descendants; text and comments do not.
        if (node.querySelectorAll) {
            node.querySelectorAll(selector).forEach(found);
            // Every element below, each looked at once: a TreeWalker builds no list of them, and
            // takes half the time of querySelectorAll('*') on a page of a thousand shadow roots.
            for (const walker = document.createTreeWalker(node, 1); walker.nextNode();)
                look(walker.currentNode);
        }
    };
    const look = shadowRoots((root) => {
        if (live()) {
            observer.observe(root, WATCHED);
            search(root);
        }
    }, guard);
    const observer = new MutationObserver(guard((records) => {
        records.forEach((record) => {
            const el = record.target;
            // A `src` given or changed: only the element itself may now match (its tree was searched).
            if (record.attributeName)
                el.matches(selector) && found(el);
            else
                record.addedNodes.forEach(search);
        });
        removed();
    }));
    observer.observe(document, WATCHED);
    search(document);
    return observer;
}

/**
 * The visitor's consent, as issue 2 defines it. Anonymous events go out unless consent is
 * required; the visitor is identified (`hubspotutk`, `_hsenc`) only without any opt-out.
 */
/** `changed` hears of each answer of the visitor's, the banner's or a consent manager's. */
function createConsent(required, changed) {
    const hsp = window._hsp;
    // Consent is implied only where nothing asks for it: no HubSpot banner, not required.
    let granted = !required && !hsp;
    // The banner calls back with the visitor's choice, and again on each change.
    // https://developers.hubspot.com/docs/api-reference/latest/account/settings/consent-banner/consent-banner-api
    if (hsp)
        hsp.push([
            'addPrivacyConsentListener',
            (c) => {
                granted = !!(c && (c.categories ? c.categories.analytics : c.allowed));
                changed();
            },
        ]);
    return {
        _send: () => granted || !required,
        _identify: () => granted &&
            !Cookies.get('__hs_do_not_track') &&
            // Global Privacy Control: https://privacycg.github.io/gpc-spec/
            navigator.globalPrivacyControl !== true,
        _set: (value) => {
            granted = value;
            changed();
        },
    };
}

/**
 * The page author's data attributes of a media element, read where the author wrote them:
 * on the media element, or on a player that encloses it (issue 25). Web-component players
 * such as `<mux-player>` keep their `<video>` in a shadow root and copy no `data-*` to it,
 * so the attributes written on `<mux-player data-media-id="webinar">` are found by climbing.
 */
/**
 * The value of the attribute `data-${name}` of `el`, else of the nearest element that
 * encloses it and carries that attribute: up through its parents, and from a shadow root
 * to its host, to the top of its tree. Null when none carries it.
 */
function dataAttribute(el, name) {
    // A parent is an element, a shadow root (its host is next), or a document or fragment
    // (neither has a host or attributes): the climb ends there, or at a detached top.
    for (let node = el; node; node = node.parentNode || node.host) {
        const value = node.getAttribute && node.getAttribute(`data-${name}`);
        if (value != null)
            return value;
    }
    return null;
}

/**
 * The context fields of an event: who is watching, on which page, and which media. Read as
 * each event is built, so that a change of consent, title or attributes counts at once.
 */
/** A whole number written in decimal digits, as a number; undefined for anything else. */
function wholeNumber(value) {
    // test() reads its argument as a string: undefined is "undefined", 42 is "42".
    return /^\d+$/.test(value) ? +value : undefined;
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
/**
 * The media fields of a media element: its source, and the data attributes written on it or
 * on the player that encloses it (data-attribute.ts), read as its session begins.
 */
function mediaFields(el) {
    const data = (name) => dataAttribute(el, `media-${name}`);
    // hls.js, dash.js and Shaka play from a blob: URL that changes on every load, so it
    // identifies nothing; a data: URL can be megabytes. Neither is sent.
    const url = isPageLocal(el.currentSrc) ? '' : el.currentSrc;
    const type = data('type');
    let file;
    try {
        file = decodeURIComponent(url.split(/[?#]/)[0].split('/').pop());
    }
    catch {
        /* no URL, or a malformed escape */
    }
    return {
        // tagName is VIDEO or AUDIO, HubSpot's names for them.
        // test() reads null (no attribute) as "null", which is no media type.
        mediaType: (MEDIA_TYPES.test(type) ? type : el.tagName),
        externalId: data('id') || url,
        mediaBridgeId: wholeNumber(data('bridge-id')),
        mediaName: data('name') || el.title || el.getAttribute('aria-label') || file,
        mediaUrl: url,
    };
}

/**
 * Recovery (recovery.ts) kept out of the page's start: it reads and writes `localStorage`, a
 * synchronous trip to the browser's storage that would add milliseconds to the script's first
 * run. It runs once: after the page's `load`, when the browser is idle (within IDLE_DEADLINE
 * ms), or at the tracker's first media event if that comes sooner. A page left before it runs
 * has taken nothing, so what earlier page views stored waits for the next one.
 *
 * The same schedule loads the embeds build (embeds-loader.ts), which is why it is named for
 * when it runs rather than for recovery.
 */
/** The idle callback's deadline, in ms. */
const IDLE_DEADLINE = 2000;
/** Schedules `run` after load, at idle; the function returned runs it now instead (once in all). */
function afterLoad(run) {
    let done = 0;
    const once = () => done || ((done = 1), run());
    const idle = () => 
    // Safari has no requestIdleCallback: a timeout after load does the same job.
    typeof requestIdleCallback == 'function' ? requestIdleCallback(once, { timeout: IDLE_DEADLINE }) : setTimeout(once);
    if (document.readyState == 'complete')
        idle();
    else
        addEventListener('load', idle, { once: true });
    return once;
}

/** The iframes worth the embeds build (which checks each src exactly): YouTube's and Vimeo's. */
const EMBEDS = 'iframe[src*="youtube"],iframe[src*="vimeo"]';
/**
 * The playhead's clock slack for an embed, in seconds (session.ts). A player reports where it
 * is about every quarter second, by message; on a busy page several wait and arrive at once,
 * each a report apart in the player's time and none apart on the page's clock. A slack longer
 * than a report's interval counts them as the play they are. A seek shorter than this (times
 * the rate) is credited as play; Vimeo also announces its seeks.
 */
const EMBED_SLACK = 1;

/** The quartiles HubSpot's media reports are built on. */
const DEFAULT_MILESTONES = '25,50,75,100';
// A plain loop, as in played-ranges.ts: pages' old libraries replace the Array methods
// (Prototype.js's `filter` passes no third argument, its `reduce` is another function), and
// this runs at start-up (docs/tracker.md, "Browser support"). The milestones reached are
// found in session.ts, in the order this gives them.
/**
 * Reads a milestone list, `"25,50,75,100"` or `[25, 50]`: whole percents from 1 to 100, in
 * ascending order, each once (HubSpot's `playedPercent` is an integer). Anything else is dropped.
 */
function parseMilestones(value) {
    const out = [];
    for (const part of String(value == null ? DEFAULT_MILESTONES : value).split(',')) {
        const m = +part;
        if (m > 0 && m <= 100 && !(m % 1) && out.indexOf(m) < 0)
            out.push(m);
    }
    return out.sort((a, b) => a - b);
}

/**
 * One tracker per element, however many copies of the tracker run on the page: the script
 * tag pasted twice, or the tag beside `startTracking`.
 *
 * The mark is a property under a `Symbol.for` key, which every copy of the script reaches
 * through the browser's symbol registry: it adds no global to `window`, and, unlike an
 * attribute, it is invisible to the page's markup and CSS and to frameworks that compare
 * attributes when they hydrate.
 */
const KEY = Symbol.for('media-bridge');
/** Marks `el` as tracked (or the document as recovered); false when another tracker did already. */
const mark = (el) => !el[KEY] && (el[KEY] = 1);
/** Lets another tracker take `el`. */
const unmark = (el) => (el[KEY] = 0);

/**
 * One event on the wire. A field with no value is left out, never sent as null or ""
 * (src/wire.ts); no field of an event is legitimately 0 or false.
 *
 * Its id comes from its session's, which is random (id.ts): a session sends at most one event
 * of each kind and milestone, so its attention span's id is the session's own, its STARTED's
 * `<session id>-0`, and each milestone's `<session id>-<percent>`. No random number is drawn
 * for an event, and an event built again (an attention span, rewritten as it grows) keeps its
 * id, by which the proxy drops a copy.
 */
function wireEvent(type, sessionId, fields) {
    const id = type == 'attention-span' ? sessionId : sessionId + '-' + (fields.playedPercent || 0);
    const event = { type, id, occurredTimestamp: Date.now(), sessionId };
    for (const key in fields)
        if (fields[key])
            event[key] = fields[key];
    return event;
}

/**
 * The record of what was played in one session: the runs of continuous playback, in the
 * order they happened. Quartile progress reads their union; the attention span
 * (attention-span.ts) counts, for each span of the media, how many runs cover it. One record
 * serves both, so the two can never disagree.
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
    // A loop, not `reduce`, which Prototype.js 1.6 replaces with another function (milestones.ts).
    let sum = 0;
    for (const [from, to] of union(runs, end))
        sum += to - from;
    return sum;
}
/**
 * The share of a media of `duration` seconds played at least once, in whole percents rounded
 * down: the largest whole `p` with `played * 100 >= p * duration`. It is compared that way,
 * not read off `played * 100 / duration`, because that quotient rounds below a whole percent
 * for many ordinary durations: a whole play of 6.008 s gives 99.99999999999999, so dividing
 * would never reach 100 (issue 18). For a duration that is unknown (NaN), 0 or infinite (a
 * live stream) it is NaN or 0, so it reaches no milestone.
 */
function playedPercent(runs, duration) {
    const played = playedSeconds(runs, duration) * 100;
    const percent = Math.floor(played / duration);
    return played >= (percent + 1) * duration ? percent + 1 : percent;
}

/** Most spans a media is cut into. */
const MAX_SPANS = 1000;
function attentionSpan(runs, duration) {
    // Whole seconds a span. For a duration that cannot be cut (unknown, 0 or infinite) there
    // are no spans (NaN of them), and nothing to say.
    const size = Math.ceil(duration / MAX_SPANS);
    const spans = Math.ceil(duration / size);
    const rawDataMap = {};
    let counted = 0;
    for (let i = 0; i < spans; i++) {
        // The span is [start, end], the last one cut at the duration.
        const start = i * size;
        const end = Math.min(start + size, duration);
        let seconds = 0;
        // (Runs not destructured: a page runs this cold, in V8's interpreter, where taking an
        // array apart goes through the iterator protocol, twice as slow: issue 22.)
        for (const run of runs)
            seconds += Math.max(0, Math.min(run[1], end) - Math.max(run[0], start));
        counted |= rawDataMap[i] = Math.round(seconds / (end - start));
    }
    if (counted)
        return {
            rawDataMap,
            derivedValues: {
                totalPercentPlayed: playedPercent(runs, duration),
                totalSecondsPlayed: Math.floor(playedSeconds(runs, duration)),
            },
        };
}

/** Most times one event goes out. */
const MAX_SENDS = 3;
/** Most keys kept in storage, each an event or a request's events; more are not kept (they are still sent from memory). */
const MAX_KEPT = 100;
/** Oldest event sent, in ms: 2 days, inside the proxy's 3 (it refuses a request with an older event whole). */
const MAX_AGE = 2 * 864e5;
/**
 * Whether the events of a request are kept, to go out again, after its answer: no answer
 * (the network failed), 429, or 5xx (503: the proxy could not store them). A 2xx means the
 * proxy took them; any other 4xx, that the events themselves are bad: they are dropped, and
 * never loop.
 */
const resendable = (status) => !status || status == 429 || status > 499;
/**
 * Milliseconds to wait before the next probe, after `fails` failed rounds in a row: 3 s,
 * then four times longer each round up to 5 minutes, its lower half fixed and its upper half
 * random so that pages spread out; or what the answer's `Retry-After` (in seconds) says,
 * when that is later. It grows fast because an event goes out three times at
 * most: the first two waits alone span 7.5 to 15 s, and every event held meanwhile takes its
 * turn as the probe, so the events of a viewing outlast an outage of many minutes.
 */
const backoff = (fails, retryAfter) => Math.max((Math.min(3e3 * 4 ** fails, 3e5) * (1 + Math.random())) / 2, +retryAfter * 1e3 || 0);
/** Whether a kept event may go out (again) at `now`: sent fewer than `MAX_SENDS` times, and not too old. */
const sendable = (kept, now = Date.now()) => kept.n < MAX_SENDS && kept.e.occurredTimestamp > now - MAX_AGE;

const PREFIX = 'media-bridge:';
/** `fn(localStorage)`, or undefined where storage throws. */
function storage(fn) {
    try {
        return fn(localStorage);
    }
    catch {
        /* no storage, or it is full */
    }
}
/** The storage keys of the events kept. */
const keptKeys = (s) => Object.keys(s).filter((key) => !key.indexOf(PREFIX));
/** What is kept under a storage key, if anything: one event, or a request's events (an array). */
const read = (key) => storage((s) => JSON.parse(s[key]));
/** What is stored under `id`, as written: a page compares it with what it wrote last. */
const stored = (id) => storage((s) => s[PREFIX + id]);
/**
 * Writes `json` under `PREFIX + id`, replacing what was there. Returns what it wrote; falsy
 * when storage refused it, or when it is a new key and `MAX_KEPT` keys are kept already
 * (counted only when storage holds that many keys at all: listing them is the dear part of a
 * write).
 */
const write = (id, json) => storage((s) => (s[PREFIX + id] || s.length < MAX_KEPT || keptKeys(s).length < MAX_KEPT) && (s[PREFIX + id] = json));
/** `kept` as JSON, stamped with the time. */
const stamped = (kept) => JSON.stringify(((kept.t = Date.now()), kept));
/** Keeps `kept` under its event's id, stamped with the time: what `write` says. */
const keep = (kept) => write(kept.e.id, stamped(kept));
/**
 * Keeps the events of one request under one key, its first event's id and `+`, each stamped
 * with the time: one write for a request, where one for each event cost the page a storage
 * trip per event (issue 22). The transport drops the key when the answer comes (`batchKey`).
 * The array is joined by hand, as request bodies are (transport.ts): Prototype.js 1.6's
 * `Array#toJSON` would have JSON.stringify write it as a string.
 */
const keepAll = (items) => write(batchKey(items), `[${items.map(stamped)}]`);
/** The id under which `keepAll` keeps `items`: drop it to forget them. */
const batchKey = (items) => items[0].e.id + '+';
/** Forgets the event kept under `id`: true once it is gone, undefined where storage throws. */
const drop = (id) => storage((s) => delete s[PREFIX + id]);

/**
 * What earlier page views left in storage, sent by this one: the attention spans of sessions
 * whose page died without `pagehide` (a killed tab, a crash), computed here from the runs the
 * page kept (`whole`), events that never reached the proxy, and events that went by
 * sendBeacon, whose answer no page could read.
 *
 * Each kept event carries when a page last wrote it. A page view pings (writes the ping key
 * with the time), and every live page of the site, on that `storage` event, rewrites the
 * events it still holds: its live sessions and the events it waits to send again. After a
 * short wait, this page takes, under a Web Lock, every event not written since the ping. It
 * writes each again, with the time, and only then sends it. A page view recovers once, by
 * its first tracker (page-tracker.ts): a page hears none of its own `storage` events, so a
 * second tracker's ping would take the first one's events. Two page views never both take one event, and the attention
 * span's id, derived from its session, lets the proxy drop a copy that slips through (no Web
 * Locks: Safari before 15.4, insecure contexts).
 */
/** The ping's key in `localStorage`, and the Web Lock's name. Its value is the ping's time. */
const PING = 'media-bridge';
/**
 * How long live pages have to answer a ping, in ms; and how long the lock is kept after the
 * events are taken. Each renderer reads a copy of `localStorage` that the browser updates a
 * little after another tab writes (Chromium), so the next page view must not read before this
 * page's writes have reached it.
 */
const ANSWER_WAIT = 1000;
/**
 * A kept event made whole, before it goes: a session's record (its runs and duration,
 * store.ts) gets its attention span, the one its own page would compute (page-tracker.ts ends
 * a session through here too). Falsy, with the record dropped, for a session that played
 * nothing to say. The record keeps its runs: made whole again (the events of a request are
 * kept together as they go, and a page may die first), it gets the same span.
 */
function whole(kept) {
    if (!kept.r)
        return 1;
    const span = attentionSpan(typeof kept.r == 'string' ? JSON.parse(kept.r) : kept.r, kept.d);
    return span ? Object.assign(kept.e, span) : (drop(kept.e.id), 0);
}
/**
 * Pings, and after the wait hands to `send` what no live page holds, if `may` (the visitor's
 * consent; else it stays for a later page view). In no particular order: the proxy sends a
 * session's `media-played` first whatever the order it gets them in.
 *
 * `ping` is when this page's tracker started, not the time recovery runs (recovery
 * is deferred: deferred-recovery.ts): whatever this page kept before it runs, such as a session
 * that began first, is newer than the ping and never taken as a dead page's.
 */
function recover(ping, may, send, guard) {
    // Taken: each event is written again, with the time, before it goes. The events of a
    // request a page sent (store.ts) are written again one by one, and their record then goes,
    // once all of them are; any not written stays in it for a later page view.
    const take = guard(() => {
        if (may()) {
            const taken = [];
            keptKeys(localStorage).forEach((key) => {
                const record = read(key);
                let all = 1;
                [].concat(record || []).forEach((kept) => (kept.t < ping && whole(kept) && keep(kept) ? taken.push(kept) : (all = 0)));
                // (Storage answered the listing just now; should this throw, the guard stops the take
                // before anything is sent, and what was written again waits for a later page view.)
                if (all && Array.isArray(record))
                    delete localStorage[key];
            });
            send(taken);
        }
    });
    storage((s) => (s[PING] = ping));
    setTimeout(() => {
        // The lock is held only while the store is read and rewritten, and a moment after: a
        // lock held for the page's life would keep it out of the back/forward cache.
        try {
            navigator.locks.request(PING, () => (take(), new Promise((done) => setTimeout(done, ANSWER_WAIT)))).catch(take);
        }
        catch {
            take();
        }
    }, ANSWER_WAIT);
}

/** What a report says besides a milestone's percent: a reading changed the session's state. */
const CHANGED = 0;
/** What a report says besides a milestone's percent: the session ended. */
const ENDED = -1;
/**
 * What a report says besides a milestone's percent: play stopped or jumped at this reading
 * (a pause, a seek). Nothing more will be played for a while, so its state is worth keeping
 * at once: a page killed now must not lose what was played up to here.
 */
const STOPPED = -2;
/** `el.played` as runs. */
function playedRuns(ranges) {
    const runs = [];
    for (let i = 0; i < ranges.length; i++)
        runs.push([ranges.start(i), ranges.end(i)]);
    return runs;
}
// A seek back from where play stopped within this many seconds of the end of a looping media is its wrap-around.
const WRAP_SLACK = 0.1;
/**
 * Seconds a reading may run ahead of the clock before it counts as a jump: timeupdates come up
 * to 250 ms apart (HTML), and so may the handling of two events. A media element is read as
 * its event is handled (a stale position, as Firefox may show on a busy page, is STALE's case);
 * an embedded player's position is what its last message said (embeds-loader.ts has its own).
 */
const CLOCK_SLACK = 0.25;
/** The most seconds a reading's position may be stale (Firefox's, on a busy page) and still count as play at the next reading. */
const STALE = 2;
/**
 * A playhead that reports to `report`, and takes each session's media fields with
 * `describe` as the session begins; `slack` as CLOCK_SLACK says.
 */
function createPlayhead(milestones, newId, report, describe, slack = CLOCK_SLACK) {
    let session;
    // Where the media was at the last reading (of this source: see `read`).
    let pos = 0;
    // Where the clock says the media was at the last reading (see `reach`): `pos`, or further
    // where that reading showed a stale position.
    let far = 0;
    let source;
    // When the last reading was taken, if the media was playing then; 0 if it was not.
    let at = 0;
    // The rate it played at since the last reading (a rate change is read as it happens).
    let speed = 1;
    // A session another page view took (`_gone`) ends unreported: that view sent it.
    const end = () => {
        if (session && !session._gone)
            report(session, ENDED);
        session = undefined;
    };
    const read = (el, type, mayBegin, now = Date.now()) => {
        const duration = el.duration;
        const src = el.currentSrc;
        // Read once: each of the element's getters is a call into the browser.
        const paused = el.paused;
        let to = el.currentTime;
        let next = to;
        // A new currentSrc is a new source. Compare sources rather than count `loadstart`s:
        // players reload the same source, and that is still one viewing.
        if (session && (session._gone || session._src != src))
            end();
        // A position of another source says nothing of this one's. A new source plays from its
        // start (HTML's load algorithm resets the position; a start elsewhere, as a media
        // fragment's or a player's, comes with a seek), and play is credited from there: its first
        // reading may come after some of it played (Chromium's `playing` at 0.04 s, a tracker
        // that saw the element before its source was chosen). At the tracker's first look
        // (`attach`), what played before is in `el.played`, credited if a session begins now.
        if (src != source)
            far = pos = type == 'attach' ? to : 0;
        source = src;
        // A `ratechange` (the one reading whose type starts with r) queued while the media was
        // paused, as when the page set the rate and then called play(), may be heard after play
        // began, with the position past where it began. It says nothing then: a session that
        // begins at the next reading counts from the last position read before it.
        if (!session && !at && type[0] == 'r')
            return;
        // Of the readings, `playing`, `timeupdate` and `attach` may begin a session; `seeking`,
        // `ended`, `volumechange`, `ratechange` and the tracker's `hide` and `close` may not.
        if (!session && mayBegin && !paused && /^[pta]/.test(type)) {
            const before = playedRuns(el.played);
            // A tracker attached to a playing element credits what it has played already.
            session = {
                _id: newId(),
                _src: src,
                // (The same array: what played before, credited, is known as this session's own.)
                _runs: type == 'attach' ? before : [],
                _before: before,
                _sent: [],
                _media: describe(el),
            };
            report(session);
        }
        // The furthest the media can have played since the last reading, by the clock at the
        // rate it plays, with the slack of one timeupdate for events handled late on a busy page.
        // It counts from where the clock put the media then, which may be past what that reading
        // showed: a reading may show a stale position (Firefox's, on a busy page), and the
        // next one, fresh again, is play and no jump. Paused then, the clock stood still.
        const clock = far + (at && ((now - at) / 1e3) * speed);
        const reach = clock + slack * speed;
        // Play stops here: a seek (one a browser announces, or a jump further than play can
        // reach, which is all a player without `seeking` shows), or a pause. Paused at this reading
        // and the last, the media played nothing between: a move further than the clock put it
        // at the pause is a seek (an embedded player scrubbed while paused: YouTube shows it only
        // by the position, and Vimeo's `timeupdate` there may come before its `seeked`); one
        // within it is the play up to the pause, told after it (YouTube's state comes before its
        // position). Playing again, it may have played since the pause: a `playing` may be handled
        // late, and the clock, stopped at the pause, cannot say how much.
        const jumped = type == 'seeking' || el.seeking || ((at || paused) && to > reach);
        if (jumped) {
            // The position already holds the seek's target (HTML "seeking" steps). Where play
            // stopped is in `el.played`, which the browser closes at the seek: the end of the last
            // range that starts at or before `pos` (sorted and disjoint; one that ends before
            // `pos` credits nothing), and never beyond the clock's reach.
            let until = pos;
            if (at)
                for (const [from, end] of playedRuns(el.played))
                    if (from <= pos)
                        until = Math.min(end, reach);
            to = until;
            // That range may hold play from before: of this session, or of earlier ones. It says
            // where play stopped only if play ran beyond all that was played before; if it stopped
            // within it, where is not known, and nothing more is credited.
            if (session)
                for (const [from, end] of union([...session._before, ...session._runs], Infinity))
                    if (from <= pos ? end > pos && end >= to : from < to)
                        to = from > pos ? from : pos;
            // The wrap of a loop: play reached the end, as `el.played` shows or, where it cannot
            // (a later time round), as the clock does, and went back. Firefox reports it with
            // currentTime already past 0 and `seeking` false.
            const stop = Math.max(to, Math.min(until, clock + WRAP_SLACK * speed));
            if (el.loop && next < stop && stop >= duration - WRAP_SLACK)
                (next = -1), (to = duration);
        }
        // `ended` means the end was reached, even when the last timeupdate stopped short of it.
        // (A stream of infinite duration never ends.)
        if (type == 'ended' && duration > to)
            to = duration;
        if (session) {
            // A new source's load empties the duration before its currentSrc changes: keep the last known.
            if (duration >= 0)
                session._duration = duration;
            if (to > pos)
                addPlay(session._runs, pos, to);
            // Milestones are reached in order (ascending, and what was played only grows), so the
            // next is the first not reported. What was played at least once is at most the runs'
            // total: while that is short of the next milestone, none is reached, and a timeupdate
            // computes no union. (Each run read without taking it apart, as in attention-span.ts:
            // cheaper in the interpreter, where a page's handlers mostly run.) A percent of NaN (a
            // duration unknown, 0 or infinite: a live stream) reaches none.
            let total = 0;
            for (const run of session._runs)
                total += run[1] - run[0];
            for (let m; (m = milestones[session._sent.length]) * duration <= total * 100 && playedPercent(session._runs, duration) >= m;) {
                session._sent.push(m);
                report(session, m);
            }
            // A seek, or a pause (the media played at the last reading and no longer does).
            report(session, jumped || (at && paused) ? STOPPED : CHANGED);
        }
        if (type == 'ended' || next < 0)
            end();
        // A loop plays on from its start (HTML: "seek to the earliest possible position").
        pos = next < 0 ? 0 : next;
        // While play runs on (no jump, no pause, no `playing` after a stall, in which the clock
        // ran and the media did not), the clock's position is kept when it is further, by up to
        // STALE seconds of media: no more, so that a page frozen or a player stalled with no
        // `playing` after leaves no lead in which a jump would pass for play.
        far = at && !jumped && type != 'playing' ? Math.max(pos, Math.min(clock, pos + STALE * speed)) : pos;
        at = paused ? 0 : now;
        speed = el.playbackRate;
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
 * A random id for a session (an event's id is derived from its session's: payload.ts).
 * `crypto.randomUUID` exists only in secure contexts; a page served over plain http gets 52
 * random bits and the time instead, which is enough for the proxy to tell sessions apart.
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
 * One tracked media element: its listeners, feeding readings to its playhead.
 */
// `timeupdate` also fires when playback pauses (HTML "internal pause steps"), and when a new
// source resets the position, so neither `pause` nor `loadstart` is needed. `ratechange` is
// read so that the clock the playhead bounds a seek with counts each stretch at its own rate.
const EVENTS = ['play', 'playing', 'timeupdate', 'seeking', 'ended', 'volumechange', 'ratechange'];
/** Tracks `el`: `report` hears of its sessions (session.ts); `slack` is the playhead's. */
function trackMedia(el, milestones, mayBegin, report, guard, slack) {
    // Background videos (issue 2): a video playing muted, such as a hero banner, would burn
    // API quota and tell nothing, so it is not tracked until the visitor unmutes it or starts
    // it with a click or a key.
    // data-media-track="on" says otherwise, on the element or on a player enclosing it.
    let touched = dataAttribute(el, 'media-track') == 'on';
    const playhead = createPlayhead(milestones, newId, report, mediaFields, slack);
    const read = (type) => playhead._read(el, type, mayBegin() && (touched || !el.muted));
    const on = guard((e) => {
        const type = e.type;
        if (type == 'volumechange' && !el.muted)
            touched = true;
        // `play` is only looked at for a user gesture (Chromium's native controls keep pointer
        // events from the page, so a gesture is what is left to see). It is not read: the clock
        // runs on before `playing`, and the first run must start where play started.
        // https://html.spec.whatwg.org/multipage/interaction.html#user-activation-data-model
        if (type != 'play')
            read(type);
        else if (navigator.userActivation && navigator.userActivation.isActive)
            touched = true;
    });
    EVENTS.forEach((type) => el.addEventListener(type, on));
    // The tracker's first look, for media already playing or moved on (what played before is
    // credited if a session begins now). One at its start and paused says nothing the first
    // reading of its own will not (the playhead counts a new source from 0), so it is not read.
    if (!el.paused || el.currentTime)
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
 * Sends events to the proxy: the events of one moment (queued within MOMENT ms of the first)
 * in one request, each request under 60 KiB and 50 events, as text/plain so that a
 * cross-origin proxy gets no CORS preflight.
 *
 * Nothing is lost on the way (resend.ts has the rules):
 * - While the page is open, requests go by `fetch` with `keepalive`, whose answer is read.
 *   Events the proxy did not take (no answer, 429, 5xx) are held, in memory and in storage,
 *   and the page backs off. Then one event at a time goes out as a probe; once the proxy
 *   takes it, every held event follows. Events of a page that is backing off, or offline,
 *   join the held ones without going out, so they spend none of their sends.
 * - As the page is hidden or left, requests go by `sendBeacon`, whose answer cannot be read.
 *   Those events stay in storage, and a later page view sends them once more (the proxy
 *   drops the copy it already has).
 * - Every event is written to storage before it goes out, and dropped from there only once
 *   the proxy took it, or refused it for good. The events of a request are written together,
 *   under one key (store.ts): one storage trip for a request rather than one for each event.
 */
// Under the proxy's 64 KiB cap, and under the 64 KiB that sendBeacon and keepalive fetch
// may have in flight (Fetch standard, "keepalive"). A UTF-16 code unit takes at most 3
// bytes of UTF-8, so a body of up to a third of this many characters fits.
const MAX_REQUEST_BYTES = 60 * 1024;
// `{"events":[` and `]}`, and the comma before the next event, at 3 bytes a character.
const WRAPPER = 15 * 3;
/**
 * How long, in ms, the first event of a moment waits for the others. A page with many media
 * playing then sends one request where it would send one per element: each `fetch` costs the
 * page far more script time than a timeupdate does (npm run bench).
 */
const MOMENT = 250;
/** Cuts `items` into request bodies, in order, and hands each to `send` with its items. */
function batches(items, send) {
    let batch = [];
    let json = [];
    // The characters of the events in `json`, with their commas.
    let length = 0;
    const close = () => batch.length && send(`{"events":[${json}]}`, batch);
    for (const item of items) {
        const one = JSON.stringify(item.e);
        if (batch.length == MAX_EVENTS_PER_REQUEST || (length + one.length) * 3 > MAX_REQUEST_BYTES - WRAPPER) {
            close();
            batch = [];
            json = [];
            length = 0;
        }
        batch.push(item);
        json.push(one);
        length += one.length + 1;
    }
    close();
}
function createTransport(endpoint, log, guard) {
    let queue = [];
    /** Events the proxy did not take yet, waiting for a probe. */
    let held = [];
    /** The probe's timer while the page backs off. */
    let timer = 0;
    /** Failed rounds in a row. */
    let fails = 0;
    // sendBeacon outlives the page; it returns false when its queue is full.
    const beaconed = (body) => {
        try {
            return navigator.sendBeacon(endpoint, body);
        }
        catch {
            /* missing, or the URL is refused */
        }
    };
    const post = (all, beacon) => {
        const items = [];
        // The rest is dropped unsent: it went out three times, or the proxy would refuse it.
        for (const item of all)
            sendable(item) ? items.push(item) : drop(item.e.id);
        // The proxy is failing, or the visitor is offline: wait for the probe, or for `online`.
        // Not as the page goes: Firefox says a closing tab is offline.
        if (timer || (!beacon && !navigator.onLine))
            return items.forEach(keep), held.push(...items);
        batches(items, (body, batch) => {
            // Kept together, in one write: a request's events live and go together. The copies
            // kept on their own (an ended session's attention span, an event held or recovered)
            // then go (dropping a key that is not there costs little: no write reaches storage).
            batch.forEach((item) => item.n++);
            if (keepAll(batch))
                batch.forEach((item) => drop(item.e.id));
            if (beacon && beaconed(body))
                return;
            try {
                fetch(endpoint, { method: 'POST', body, keepalive: true }).then((r) => answer(batch, r.status, r.headers.get('retry-after')), () => answer(batch));
            }
            catch {
                // The page's fetch gave no promise (a stub, a wrapper that forgot to return it), or
                // threw: no answer will come. The batch goes by sendBeacon, and stays kept for a later
                // page view, as what goes by sendBeacon always does (the proxy drops copies by id).
                beacon || beaconed(body);
            }
        });
    };
    const answer = guard((batch, status, retryAfter) => {
        // Not taken: back off, then post them again, which holds them for the probe, each kept
        // on its own (or drops those that went out three times).
        if (resendable(status)) {
            if (!timer)
                timer = setTimeout(probe, backoff(fails++, retryAfter));
            post(batch);
        }
        else if (status < 300) {
            // Taken (fetch follows redirects, so this is a 2xx): the proxy is up, the held events follow.
            fails = 0;
            post(held.splice(0));
        }
        else
            log('dropped', status, batch);
        // Taken, refused for good, or kept on their own to wait: the request's record goes.
        drop(batchKey(batch));
    });
    // One held event goes out: if the proxy takes it, the rest follow. A refused probe is held
    // again at the end, so the probes take turns, and a long outage spends the sends of many
    // events a little each rather than those of the first.
    const probe = guard(() => {
        timer = 0;
        post(held.splice(0, 1));
    });
    // What is queued: by fetch a moment later, or by sendBeacon at once as the page goes.
    const flush = (beacon) => post(queue.splice(0), beacon);
    const later = guard(flush);
    return {
        _add(item) {
            // The first event of a moment schedules the send, after the moment's other events.
            if (queue.push(item) == 1)
                setTimeout(later, MOMENT);
        },
        _flush: () => flush(true),
        // A probe timer still pending finds nothing held, or probes once more: harmless.
        _retry: probe,
        _touch: () => held.forEach(keep),
    };
}

/**
 * How often, at most, the live sessions' state is written to storage, in ms: a page killed
 * mid-play loses at most this much of its attention span. Hiding the page writes it at once.
 */
const KEEP_EVERY = 5000;
/**
 * Starts the tracker of the page. Its start only adds listeners and the observer: storage,
 * cookies, Web Locks and ids are touched when there is something to keep or send (issue 22).
 */
function trackPage(options, loadEmbeds, onEvent) {
    // Whatever this page keeps is stamped with a time from now on: recovery leaves it alone.
    const started = Date.now();
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
    // The page's fields, read once a moment: the events built together share one reading of
    // the URL and the cookies. A change of consent reads them again at once.
    let fields;
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
    const tracked = new Map();
    /**
     * An event of `type` of `session`: the session's media, as it was when the session began,
     * and the page's fields now, so that a change of consent counts at once, both ways. None
     * while events may not be sent: then nothing is queued, kept or sent.
     */
    const build = (session, type, fields) => consent._send() &&
        wireEvent(type, session._id, { ...session._media, ...page(), ...fields });
    const queue = (event) => {
        if (event) {
            log(event);
            transport._add({ e: event, n: 0 });
            if (onEvent)
                guard(onEvent)(event);
        }
    };
    // A session's state as storage keeps it: its attention span's event without the span, and
    // its runs and duration, from which `whole` (recovery.ts) computes the span. None while
    // events may not be sent.
    const record = (session, e = build(session, 'attention-span', {})) => e && { e, n: 0, r: session._runs, d: session._duration };
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
    const keepSession = (session, all) => {
        if (session._kept && stored(session._id) !== session._kept && whole(JSON.parse(session._kept)))
            session._gone = true;
        else if (all || session._changed) {
            const kept = record(session);
            session._changed = 0;
            session._keptAt = Date.now();
            if (kept)
                session._kept = keep(kept);
        }
    };
    const sessions = (fn) => tracked.forEach((media) => {
        const session = media._session();
        if (session)
            fn(session);
    });
    // Hidden, or asked by another page view: every session that changed, or every one.
    const keepLive = guard((all) => {
        // The events waiting to go out again are this page's too.
        transport._touch();
        sessions((session) => keepSession(session, all));
    });
    // During play: the sessions due, and a timer for the next one due.
    let writing = 0;
    const keepDue = guard(() => {
        const now = Date.now();
        let next = Infinity;
        writing = 0;
        sessions((session) => {
            const due = (session._keptAt || 0) + KEEP_EVERY;
            if (session._changed)
                due > now ? (next = Math.min(next, due)) : keepSession(session);
        });
        if (next < Infinity)
            writing = setTimeout(keepDue, next - now);
    });
    const changed = () => writing || (writing = setTimeout(keepDue, KEEP_EVERY));
    let stopped;
    // What waits until the page has loaded, or until this tracker first has something to keep
    // (deferred-recovery.ts). Recovery of what earlier page views left, once a page view: the
    // document is marked as its first tracker starts.
    const first = mark(document);
    // Another page view (or another tracker of this one) asks which pages live: this one
    // rewrites what it holds.
    const pinged = (e) => e.key == PING && keepLive(1);
    const afterStart = afterLoad(guard(() => {
        // Listening to `storage` binds the page's storage area, a synchronous trip to the
        // browser's storage, so not at start: nothing is kept before this.
        if (!stopped)
            addEventListener('storage', pinged);
        if (first)
            recover(started, consent._send, (items) => items.forEach(transport._add), guard);
        // The page's first read of its cookies binds the browser's cookie store, a synchronous
        // trip measured at 5 to 9 ms: made here, at idle, rather than by the first media event.
        // It reads what that event would, and nothing the visitor's consent does not allow.
        page();
    }));
    // Its attention span, made whole here as another page view would, and kept at once (the
    // transport keeps it again as it sends), so a page killed before the moment's request goes
    // out still leaves the whole of it. A session that played nothing to say leaves nothing.
    const ended = (session) => {
        const kept = record(session);
        kept && whole(kept) ? queue((keep(kept), kept.e)) : drop(session._id);
    };
    // Only ever called for a tracked element.
    const release = (el) => {
        const media = tracked.get(el);
        tracked.delete(el);
        unmark(el);
        media._close();
    };
    // How a session's reports become events: HubSpot's timeline shows nothing without the
    // `media-played` STARTED of a session. (CHANGED is 0, ENDED -1 and STOPPED -2; a
    // beginning has no `what`, a milestone its percent.)
    const report = (el) => (session, what) => {
        // The first media event runs what waits, if the page's idle time has not yet.
        afterStart();
        // Every report follows a reading: what the session keeps may have changed.
        session._changed = 1;
        if (what == CHANGED)
            return changed();
        if (what == ENDED)
            return ended(session);
        if (!what) {
            // A blob: source cannot identify the media; say so, in debug mode, once a session.
            if (!session._media.externalId)
                log('blob: needs data-media-id', el);
            queue(build(session, 'media-played', { state: 'STARTED' }));
        }
        else if (what > 0)
            queue(build(session, 'media-played-percent', { playedPercent: what }));
        // Play stopped: kept at once. (A milestone is followed by the reading's own report, which
        // keeps the session on the timer: the milestone's event waits in the moment's request.)
        else
            keepSession(session);
    };
    // Embed iframes (embeds-loader.ts): those found before the embeds build runs wait for it,
    // which is loaded once one is found, when the page is idle (as recovery is).
    let watch;
    const waiting = [];
    const attach = (el) => {
        if (!el.isConnected || dataAttribute(el, 'media-track') == 'off')
            return;
        const embed = el instanceof HTMLIFrameElement && loadEmbeds;
        if (embed && !watch) {
            if (waiting.push(el) == 1)
                afterLoad(guard(() => loadEmbeds(guard((w) => {
                    watch = w;
                    if (!stopped)
                        waiting.forEach(attach);
                }))));
        }
        else if ((embed || el instanceof HTMLMediaElement) && mark(el)) {
            // An embed's state fires a media element's events: it is tracked as one.
            const media = embed ? watch(el) : el;
            const slack = embed ? EMBED_SLACK : undefined;
            media ? tracked.set(el, trackMedia(media, milestones, consent._send, report(el), guard, slack)) : unmark(el);
        }
    };
    // Hidden or left: credit what played since the last timeupdate, keep the live sessions'
    // state, and send what is pending. A page left for good (`pagehide`, not `persisted`) ends
    // its sessions; one hidden, or kept in the back/forward cache, carries them on. Never on
    // unload or beforeunload, which keep a page out of that cache. Becoming visible runs it
    // too: it credits only what did play, and finds the sessions another page view took.
    const hide = guard((e) => {
        tracked.forEach((media, el) => e.type == 'pagehide' && !e.persisted ? release(el) : media._read('hide'));
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
        // The embeds chunk, split out by bundlers, is imported only when an embed is on the page.
        page = trackPage(options, options.embeds ? (found) => import('./embeds.js').then((m) => found(m.watch), noop) : undefined, options.onEvent);
    }
    catch (e) {
        if (options.debug)
            console.log('[media-bridge]', e);
        return { stop: noop, track: noop, session: noop, consent: noop };
    }
    const { _guard: guard, _tracked: tracked, _observer: observer, _attach: attach } = page;
    let stopped = false;
    return {
        stop: guard(() => {
            stopped = true;
            page._stop();
        }),
        track: guard((el) => {
            if (stopped)
                return;
            attach(el);
            // The document's observer cannot see into a shadow root: watch it for removals (and
            // additions), for an element tracked, or an embed waiting for the embeds chunk.
            const root = el.getRootNode();
            if (root != document && (tracked.has(el) || (options.embeds && el instanceof HTMLIFrameElement)))
                observer.observe(root, WATCHED);
        }),
        session: guard((el) => {
            var _a;
            const media = tracked.get(el);
            const session = media && media._session();
            return session
                ? {
                    sessionId: session._id,
                    duration: (_a = session._duration) !== null && _a !== void 0 ? _a : NaN,
                    played: union(session._runs, session._duration || Infinity),
                    milestones: session._sent.slice(),
                }
                : undefined;
        }),
        consent: guard(page._consent._set),
    };
}

export { startTracking };
