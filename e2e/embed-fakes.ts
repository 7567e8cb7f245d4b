/**
 * Fakes of YouTube's and Vimeo's embed players, served at the vendors' real origins with
 * Playwright's `context.route()`, so that tests run without the network (issue 24). Each fake
 * plays a real `<video>` (e2e/media, served at the vendor's origin too) and speaks its
 * player's postMessage protocol as the real one does:
 *
 * - YouTube (widget protocol): silent unless its URL has `enablejsapi=1`; on `listening` it
 *   echoes the `id` and answers `initialDelivery` (its state: playerState, currentTime,
 *   duration, playbackRate, videoData) then `onReady`; it sends `infoDelivery` as its state
 *   changes (-1 unstarted, 5 cued once loaded, 1 playing, 2 paused, 0 ended) and about every
 *   250 ms while playing, with `currentTime` and `progressState`; `onStateChange` only to a page that
 *   subscribed with an `addEventListener` command; commands `playVideo`, `pauseVideo`,
 *   `seekTo`, `mute`, `unMute`, `setPlaybackRate`, `loadVideoById` (another video, the 4 s
 *   clip, played at once; its `videoData` in an `infoDelivery`). A playlist,
 *   `/embed/videoseries?list=<id>`, holds videos `<id>_1` (the 8 s clip) and `<id>_2` (the 4 s
 *   one), and plays the second when the first ends.
 * - Vimeo (player.js protocol): posts `{ event: 'ready' }` as it loads and answers `ping`;
 *   events `{ event, data: { seconds, percent, duration } }` only to a page that subscribed
 *   with `addEventListener`; getters answered `{ method, value }`; `play`, `pause`,
 *   `setCurrentTime`, `setPlaybackRate`, `setVolume`, `setMuted`, `loadVideo` (another video,
 *   the 4 s clip, paused at its start; the `loaded` event with its `id`).
 *
 * Test knobs: `__rate=<n>` in the embed URL plays at that rate; `__hold=1` keeps the frame's
 * `load` from firing (an image it waits for) until the test calls `release()`, while its script
 * already answers; `window.__subs` in the frame holds the events a page subscribed to, and
 * the Vimeo fake's `window.__asked` the methods it was asked, in order.
 *
 * `broken: true` serves a YouTube fake that is wrong on purpose: the API always on, events
 * sent before any subscription, no `initialDelivery`. A real client's proof must fail on it.
 */
import type { BrowserContext } from '@playwright/test';

/** Title the fakes report for a video id. */
export const fakeTitle = (id: string) => `Fake title ${id}`;

const youtubePage = (broken: boolean) => `<!doctype html><html><body style="margin:0">
<video src="/__fake_media/clip-8s.webm" style="width:100%" playsinline></video>
<script>
(() => {
  if (/[?&]__hold=1/.test(location.search)) document.body.append(Object.assign(new Image(), { src: '/__hold' }));
  const broken = ${broken};
  const api = broken || /[?&]enablejsapi=1(&|#|$)/.test(location.search);
  const list = new URLSearchParams(location.search).get('list');
  const playlist = location.pathname.endsWith('/videoseries') && list ? [list + '_1', list + '_2'] : [];
  let vid = playlist[0] || location.pathname.split('/').pop();
  const v = document.querySelector('video');
  const subs = (window.__subs = new Set());
  v.defaultPlaybackRate = v.playbackRate = +(new URLSearchParams(location.search).get('__rate') || 1);
  let listening = broken, id;
  const send = (event, info) => parent.postMessage(JSON.stringify({ event, info, id, channel: 'widget' }), '*');
  // Unstarted, then cued (5) once the video is loaded, as an embed shows its video ready to play.
  const state = () => (v.ended ? 0 : !v.paused ? 1 : v.currentTime ? 2 : v.readyState ? 5 : -1);
  // The position as newer players also report it (vidstack reads only this).
  const progress = () => ({ current: v.currentTime, loaded: v.buffered.length ? v.buffered.end(v.buffered.length - 1) : 0,
    seekableStart: 0, seekableEnd: v.duration || 0, duration: v.duration || 0 });
  const videoData = () => ({ video_id: vid, title: ${JSON.stringify(fakeTitle(''))} + vid });
  const info = () => ({ playerState: state(), currentTime: v.currentTime, duration: v.duration || 0, playbackRate: v.playbackRate, videoData: videoData() });
  // Another video: the 4 s clip, from its start, played at once (as loadVideoById and a playlist's next do).
  const load = (next) => {
    vid = next;
    v.src = '/__fake_media/clip-4s.webm';
    if (listening) send('infoDelivery', { videoData: videoData(), currentTime: 0, duration: 0 });
    v.play();
  };
  let last = -1;
  const changed = () => {
    if (!listening) return;
    const s = state();
    if (s != last) {
      last = s;
      if (broken || subs.has('onStateChange')) send('onStateChange', s);
    }
    send('infoDelivery', { playerState: s, currentTime: v.currentTime, duration: v.duration || 0, progressState: progress() });
  };
  ['playing', 'pause', 'ended', 'seeked', 'loadedmetadata'].forEach((t) => v.addEventListener(t, changed));
  v.addEventListener('ended', () => playlist[1] && vid == playlist[0] && load(playlist[1]));
  setInterval(() => listening && !v.paused && send('infoDelivery', { currentTime: v.currentTime, progressState: progress() }), 250);
  v.addEventListener('ratechange', () => listening && (subs.has('onPlaybackRateChange') && send('onPlaybackRateChange', v.playbackRate), send('infoDelivery', { playbackRate: v.playbackRate })));
  if (broken) send('onReady', null);
  addEventListener('message', (e) => {
    if (!api || e.source !== parent || typeof e.data != 'string') return;
    let d;
    try { d = JSON.parse(e.data); } catch { return; }
    if (d.event == 'listening') {
      if (d.id !== undefined) id = d.id;
      if (!listening || broken) {
        listening = true;
        if (!broken) send('initialDelivery', info());
        send('onReady', null);
      }
    } else if (d.event == 'command' && listening) {
      const a = d.args || [];
      if (d.func == 'addEventListener') subs.add(a[0]);
      else if (d.func == 'removeEventListener') subs.delete(a[0]);
      else if (d.func == 'playVideo') v.play();
      else if (d.func == 'pauseVideo') v.pause();
      else if (d.func == 'stopVideo') (v.pause(), (v.currentTime = 0));
      else if (d.func == 'seekTo') v.currentTime = a[0];
      else if (d.func == 'mute') v.muted = true;
      else if (d.func == 'unMute') v.muted = false;
      else if (d.func == 'setPlaybackRate') v.playbackRate = a[0];
      else if (d.func == 'loadVideoById') load(typeof a[0] == 'object' ? a[0].videoId : a[0]);
    }
  });
})();
</script></body></html>`;

const vimeoPage = `<!doctype html><html><body style="margin:0">
<video src="/__fake_media/clip-8s.webm" style="width:100%" playsinline></video>
<script>
(() => {
  let vid = location.pathname.split('/').pop();
  const asked = (window.__asked = []);
  const v = document.querySelector('video');
  const subs = (window.__subs = new Set());
  v.defaultPlaybackRate = v.playbackRate = +(new URLSearchParams(location.search).get('__rate') || 1);
  const post = (m) => parent.postMessage(m, '*');
  const data = () => ({ seconds: v.currentTime, percent: v.duration ? v.currentTime / v.duration : 0, duration: v.duration || 0 });
  const fire = (name, d) => subs.has(name) && post({ event: name, data: d || data() });
  let meta = new Promise((r) => (v.readyState ? r() : v.addEventListener('loadedmetadata', r, { once: true })));
  v.addEventListener('play', () => fire('play'));
  v.addEventListener('pause', () => !v.ended && fire('pause'));
  v.addEventListener('timeupdate', () => fire('timeupdate'));
  v.addEventListener('seeked', () => fire('seeked'));
  v.addEventListener('ended', () => fire('ended'));
  v.addEventListener('ratechange', () => fire('playbackratechange', { playbackRate: v.playbackRate }));
  addEventListener('message', async (e) => {
    if (e.source !== parent) return;
    let d = e.data;
    if (typeof d == 'string') try { d = JSON.parse(d); } catch { return; }
    if (!d || typeof d != 'object') return;
    const m = d.method, reply = (value) => post({ method: m, value });
    asked.push(m);
    if (m == 'ping') post({ method: 'ping' });
    else if (m == 'addEventListener') subs.add(d.value);
    else if (m == 'removeEventListener') subs.delete(d.value);
    else if (m == 'getDuration') (await meta, reply(v.duration));
    else if (m == 'getVideoTitle') reply(${JSON.stringify(fakeTitle(''))} + vid);
    else if (m == 'getCurrentTime') reply(v.currentTime);
    else if (m == 'getPlaybackRate') reply(v.playbackRate);
    else if (m == 'getPaused') reply(v.paused);
    else if (m == 'getEnded') reply(v.ended);
    else if (m == 'play') (await v.play(), reply());
    else if (m == 'pause') (v.pause(), reply());
    else if (m == 'setCurrentTime') (v.currentTime = d.value, reply(d.value));
    else if (m == 'setPlaybackRate') (v.playbackRate = d.value, reply(d.value));
    else if (m == 'setVolume') (v.volume = d.value, reply(d.value));
    else if (m == 'setMuted') (v.muted = d.value, reply(d.value));
    else if (m == 'loadVideo') {
      vid = String(d.value);
      meta = new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      v.src = '/__fake_media/clip-4s.webm';
      await meta;
      fire('loaded', { id: +vid });
      reply(+vid);
    }
    // @vimeo/player tells the player the page's URL once ready.
    else if (m == 'appendVideoMetadata') reply();
    else if (m) post({ event: 'error', data: { method: m, name: 'MethodNotSupported', message: m } });
  });
  post({ event: 'ready', data: { id: +vid } });
})();
</script></body></html>`;

/** The vendors' hosts the fakes answer for. */
const YOUTUBE_HOSTS = ['www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'youtube-nocookie.com'];
const HOSTS = [...YOUTUBE_HOSTS, 'player.vimeo.com'];

/**
 * Serves the fakes (and their media) at the vendors' origins, for every page of `context`.
 * The media come from the fixture server at `origin` (e2e/media), with its HTTP Range
 * answers: without them Chromium cannot seek, and a seek lands back at 0.
 */
export async function routeFakes(context: BrowserContext, origin: string, { broken = false } = {}) {
  const html = (body: string) => ({ status: 200, contentType: 'text/html', body });
  // What `__hold=1` frames wait for: their load fires once the test releases them.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  for (const host of HOSTS) {
    await context.route(`https://${host}/__fake_media/*`, async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const response = await route.fetch({ url: `${origin}/media/${name}` });
      await route.fulfill({ response });
    });
  }
  for (const host of YOUTUBE_HOSTS) await context.route(`https://${host}/embed/*`, (route) => route.fulfill(html(youtubePage(broken))));
  await context.route('https://player.vimeo.com/video/*', (route) => route.fulfill(html(vimeoPage)));
  await context.route('https://*/__hold', async (route) => {
    await released;
    await route.fulfill({ status: 204 });
  });
  return { release };
}

/**
 * The fakes' answer to a request for `url`, for a browser driven without Playwright's routes
 * (Firefox over WebDriver BiDi, whose request interception can answer a request itself): a
 * fake's page, or its media read whole from the fixture server at `origin` (no Range: enough
 * to play, not to seek). Undefined for any other URL.
 */
export async function fakeAnswer(url: string, origin: string): Promise<{ status: number; contentType: string; body: string | Buffer } | undefined> {
  const { hostname, pathname } = new URL(url);
  if (!HOSTS.includes(hostname)) return;
  if (pathname.startsWith('/__fake_media/')) {
    const response = await fetch(`${origin}/media/${pathname.split('/').pop()}`);
    return { status: 200, contentType: response.headers.get('content-type')!, body: Buffer.from(await response.arrayBuffer()) };
  }
  const page = hostname == 'player.vimeo.com' ? pathname.startsWith('/video/') && vimeoPage : pathname.startsWith('/embed/') && youtubePage(false);
  if (page) return { status: 200, contentType: 'text/html', body: page };
}
