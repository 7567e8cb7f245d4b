/** A new state for a media at `url` (canonical), of `iframe`. */
const embedState = (url, iframe) => Object.assign(new EventTarget(), {
    currentTime: 0,
    currentSrc: url,
    // Unknown until the player says: a duration of 0 would read as every milestone reached.
    duration: NaN,
    playbackRate: 1,
    paused: true,
    // Neither player announces a seek as it starts: the playhead sees the jump (or Vimeo's `seeked`).
    seeking: false,
    loop: false,
    // Neither says what it played: a seek credits nothing past the last reading before it.
    played: { length: 0, start: () => 0, end: () => 0 },
    title: '',
    parentNode: iframe,
    tagName: 'VIDEO',
    getAttribute: () => null,
    // An embed is no background video (trackMedia leaves muted media alone until touched).
    muted: false,
});
/**
 * The player holds another video, at canonical `url`: a new source, as a media element's new
 * `src` is, from its start, its duration and title unknown until the player says. The
 * playhead ends the session of the video before at its next reading. False if it is the same.
 */
const newVideo = (state, url) => url != state.currentSrc && !!Object.assign(state, { currentSrc: url, currentTime: 0, duration: NaN, title: '' });
/** A duration as the playhead takes it: NaN while the player reports none. */
const known = (d) => (typeof d == 'number' && d > 0 ? d : NaN);

const handshake = (hello) => {
    const h = {
        _ready: 0,
        _heard: 0,
        _hello(again) {
            if (again)
                h._heard = 0;
            if (!h._heard)
                hello();
            return h._heard;
        },
    };
    return h;
};

/**
 * Vimeo's player.js protocol, as @vimeo/player speaks it, without loading that script.
 *
 * - The page posts objects `{ method, value }` to the iframe. `ping` is answered by
 *   `{ method: 'ping' }` once the player is up, which also sends `{ event: 'ready' }` as it loads.
 * - `addEventListener` with an event's name subscribes the page: the player then posts
 *   `{ event, data }`, where `data` of `play`, `pause`, `timeupdate`, `seeked` and `ended`
 *   holds `seconds`, `percent` and `duration`; `playbackratechange` holds `playbackRate`.
 * - Getters (`getDuration`, `getVideoTitle`, `getPlaybackRate`) are answered by `{ method, value }`.
 * - Old players post JSON strings; player.js parses those too.
 * - `loaded`, with `data.id`, says the player holds another video (`loadVideo`, a showcase's next).
 */
const EVENTS = ['play', 'pause', 'timeupdate', 'seeked', 'ended', 'playbackratechange', 'loaded'];
// What each of those events is, as a media element's event (a media element fires
// `timeupdate` as it pauses, and as a new source resets its position). A list, not an
// object: an event named `constructor` finds nothing.
const READS = ['playing', 'timeupdate', 'timeupdate', 'seeking', 'ended', 'ratechange', 'timeupdate'];
// What the player is asked as it is ready, and of each video it loads after.
const ASK = ['getDuration', 'getVideoTitle'];
/** A Vimeo video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
const vimeoUrl = (id) => 'https://vimeo.com/' + id;
/** A Vimeo player's protocol, for an embed whose readings go to `state`. */
function vimeo(state, post, read) {
    const h = handshake(() => post({ method: 'ping' }));
    return {
        _hello: h._hello,
        _message(raw) {
            const message = (typeof raw == 'string' ? JSON.parse(raw) : raw);
            if (!message || typeof message != 'object')
                return;
            const { event, method, value } = message;
            if ((event == 'ready' || method == 'ping') && !h._heard) {
                h._ready = h._heard = 1;
                EVENTS.forEach((name) => post({ method: 'addEventListener', value: name }));
                // The rate too: one set before this page subscribed fires no event, and a seek is
                // told from play by how far the player can have played.
                [...ASK, 'getPlaybackRate'].forEach((method) => post({ method }));
            }
            if (method == 'getDuration')
                state.duration = known(value);
            if (method == 'getVideoTitle' && typeof value == 'string')
                state.title = value;
            if (method == 'getPlaybackRate' && value > 0)
                state.playbackRate = value;
            const type = READS[EVENTS.indexOf(event)];
            const data = message.data;
            if (!h._ready || !type || !data || typeof data != 'object')
                return;
            // Another video in this player, paused until the player says it plays, its duration
            // and title asked. The playhead ends the session of the video before at this reading.
            if (event == 'loaded' && /^\d+$/.test(data.id + '') && newVideo(state, vimeoUrl(data.id))) {
                state.paused = true;
                ASK.forEach((method) => post({ method }));
            }
            if (typeof data.seconds == 'number')
                state.currentTime = data.seconds;
            if (data.duration > 0)
                state.duration = known(data.duration);
            if (data.playbackRate > 0)
                state.playbackRate = data.playbackRate;
            if (event == 'play')
                state.paused = false;
            if (event == 'pause' || event == 'ended')
                state.paused = true;
            read(type);
        },
    };
}

/**
 * YouTube's widget protocol, as its iframe API (www-widgetapi.js) speaks it, without loading
 * that script. The embed answers only when its URL has `enablejsapi=1`.
 *
 * - The page sends `{"event":"listening","id":…,"channel":"widget"}` (a JSON string) until
 *   the player answers with `initialDelivery`, whose `info` holds its state.
 * - The page subscribes with commands, `{"event":"command","func":"addEventListener","args":["onStateChange"]}`:
 *   the player sends `onStateChange` (and `onPlaybackRateChange`) only after that.
 * - The player sends `infoDelivery` as its state changes: `playerState` (-1 unstarted,
 *   0 ended, 1 playing, 2 paused, 3 buffering, 5 cued), `currentTime` (about every 250 ms
 *   while playing), `duration`, `playbackRate`, `videoData` (`video_id`, `title`).
 * - One player may play several videos: a playlist's (`/embed/videoseries?list=…`, or
 *   `playlist=` after the first), a related video the visitor clicks at the end, one the page
 *   loads. `videoData.video_id` says which it holds.
 */
const PLAYING = 1;
const ENDED = 0;
/** A YouTube video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
const youtubeUrl = (id) => 'https://www.youtube.com/watch?v=' + id;
/** A YouTube player's protocol, for an embed whose readings go to `state`. */
function youtube(state, post, read, id) {
    let playerState = -1;
    const send = (message) => post(JSON.stringify({ ...message, id, channel: 'widget' }));
    const h = handshake(() => send({ event: 'listening' }));
    return {
        // A load of the iframe may be a new page (its src changed): its first state counts, whatever the last page's was.
        _hello: (again) => (again && (playerState = NaN), h._hello(again)),
        _message(data) {
            if (typeof data != 'string')
                return;
            // `null` parses too: read as no message.
            const message = (JSON.parse(data) || {});
            const event = message.event;
            let info = message.info;
            if (event == 'initialDelivery' && !h._heard) {
                h._ready = 1;
                ['onStateChange', 'onPlaybackRateChange'].forEach((name) => send({ event: 'command', func: 'addEventListener', args: [name] }));
            }
            if (!h._ready)
                return;
            // Any message now answers the last hello.
            h._heard = 1;
            // `onStateChange` carries the state alone; the deliveries an object of what changed.
            if (event == 'onStateChange')
                info = { playerState: info };
            if (event == 'onPlaybackRateChange')
                info = { playbackRate: info };
            if (!info || typeof info != 'object')
                return;
            const video = info.videoData;
            if (video) {
                const id = video.video_id;
                // Another video in this player (its duration and title may come in this message).
                if (typeof id == 'string' && /^[\w-]+$/.test(id))
                    newVideo(state, youtubeUrl(id));
                if (video.title)
                    state.title = video.title;
            }
            if (info.duration > 0)
                state.duration = known(info.duration);
            if (typeof info.currentTime == 'number')
                state.currentTime = info.currentTime;
            if (info.playbackRate > 0) {
                const rate = info.playbackRate;
                if (rate != state.playbackRate)
                    (state.playbackRate = rate), read('ratechange');
            }
            const s = info.playerState;
            if (typeof s == 'number' && s != playerState) {
                playerState = s;
                // Buffering (3) is a stall: the clock stops, as for a paused element.
                state.paused = s != PLAYING;
                // A media element fires `timeupdate` as it pauses.
                read(s == PLAYING ? 'playing' : s == ENDED ? 'ended' : 'timeupdate');
            }
            else if (typeof info.currentTime == 'number')
                read('timeupdate');
        },
    };
}

/**
 * Watches one embed iframe: finds which player it holds, talks to it, and trusts only what
 * that player sends.
 */
/**
 * The supported embeds: YouTube's (www. or bare, and youtube-nocookie.com) and Vimeo's.
 * Group 1 is YouTube's video id, group 2 Vimeo's.
 */
const EMBED_URL = /^https:\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]+)|^https:\/\/player\.vimeo\.com\/video\/(\d+)/;
/** The media's canonical URL, `externalId` and `mediaUrl`: the same whichever host or query the embed used. */
const canonical = (src) => {
    const m = EMBED_URL.exec(src);
    return m ? (m[1] ? youtubeUrl(m[1]) : vimeoUrl(m[2])) : undefined;
};
// How often the page says hello until the player answers (ms), and how many times after each load.
const HELLO_EVERY = 250;
const HELLO_TIMES = 60;
let ids = 0;
/**
 * Watches `iframe`: its state fires a media element's events as the player reports; removing
 * a listener from it stops watching. Undefined when it is not a supported embed. Never throws
 * into the page.
 */
function watch(iframe) {
    const src = iframe.src;
    const url = canonical(src);
    if (!url)
        return;
    // The player's origin: the host its src names (youtube.com or youtube-nocookie.com, with or without www.).
    let origin = new URL(src).origin;
    const state = embedState(url, iframe);
    const post = (message) => {
        const target = iframe.contentWindow;
        if (target)
            target.postMessage(message, origin);
    };
    const heard = (type) => state.dispatchEvent(new Event(type));
    const player = url[8] == 'w' ? youtube(state, post, heard, ++ids) : vimeo(state, post, heard);
    let timer;
    // Hello, until the player answers or HELLO_TIMES have gone unanswered.
    const hello = (again) => {
        let times = HELLO_TIMES;
        clearInterval(timer);
        player._hello(again);
        timer = setInterval(() => (player._hello() || !--times) && clearInterval(timer), HELLO_EVERY);
    };
    const onMessage = (e) => {
        // Only this iframe's player, from the host its src names: nothing the page or another frame forges.
        if (e.source === iframe.contentWindow && e.origin == origin)
            try {
                player._message(e.data);
            }
            catch {
                /* whatever arrives, nothing is thrown */
            }
    };
    // YouTube answers only with enablejsapi=1: it is added after a load of a YouTube src
    // without it (a change of src while that load is in flight may leave the old page in place):
    // the iframe's first, or one of another video the page gave it.
    const api = (s) => /[?&]enablejsapi=1(&|#|$)/.test(s);
    const rewrite = () => {
        const u = new URL(iframe.src);
        u.searchParams.set('enablejsapi', '1');
        iframe.src = u.href;
    };
    // The src the iframe last loaded. The page may give it another video of the same player (a
    // gallery's), from any of its hosts: a new source, paused until the new page says it plays.
    // Or no player at all (`about:blank`, as a lightbox closes): the viewing is over. Either
    // ends the session in progress at once. (Another vendor's player is not followed: this
    // watcher speaks one protocol.)
    let last = src;
    const onLoad = () => {
        const now = canonical(iframe.src);
        const same = now && now[8] == url[8];
        if ((same ? now != canonical(last) : !now) && newVideo(state, same ? now : ''))
            (state.paused = true), heard('timeupdate');
        last = iframe.src;
        if (same)
            origin = new URL(last).origin;
        same && url[8] == 'w' && !api(last) ? rewrite() : hello(1);
    };
    iframe.addEventListener('load', onLoad);
    addEventListener('message', onMessage);
    // An iframe that loaded before it was found (its load is in the page's resource timing) will
    // not load again: rewrite it now; one still loading is rewritten at its load.
    if (performance.getEntriesByName(src).length)
        onLoad();
    else if (url[8] != 'w' || api(src))
        hello();
    state.removeEventListener = () => {
        clearInterval(timer);
        iframe.removeEventListener('load', onLoad);
        removeEventListener('message', onMessage);
    };
    return state;
}

export { EMBED_URL, canonical, watch };
