/**
 * Watches one embed iframe: finds which player it holds, talks to it, and trusts only what
 * that player sends.
 */
import { embedState, newVideo, type EmbedMedia } from './state.js';
import { vimeo, vimeoUrl } from './vimeo.js';
import { youtube, youtubeUrl } from './youtube.js';

/**
 * The supported embeds: YouTube's (www. or bare, and youtube-nocookie.com) and Vimeo's.
 * Group 1 is YouTube's video id, group 2 Vimeo's.
 */
export const EMBED_URL = /^https:\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]+)|^https:\/\/player\.vimeo\.com\/video\/(\d+)/;

/** The media's canonical URL, `externalId` and `mediaUrl`: the same whichever host or query the embed used. */
export const canonical = (src: string) => {
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
export function watch(iframe: HTMLIFrameElement): EmbedMedia | undefined {
  const src = iframe.src;
  const url = canonical(src);
  if (!url) return;
  // The player's origin: the host its src names (youtube.com or youtube-nocookie.com, with or without www.).
  let origin = new URL(src).origin;
  const state = embedState(url, iframe);
  const post = (message: unknown) => {
    const target = iframe.contentWindow;
    if (target) target.postMessage(message, origin);
  };
  const heard = (type: string) => state.dispatchEvent(new Event(type));
  const player = url[8] == 'w' ? youtube(state, post, heard, ++ids) : vimeo(state, post, heard);
  let timer: ReturnType<typeof setInterval> | undefined;
  // Hello, until the player answers or HELLO_TIMES have gone unanswered.
  const hello = (again?: unknown) => {
    let times = HELLO_TIMES;
    clearInterval(timer);
    player._hello(again);
    timer = setInterval(() => (player._hello() || !--times) && clearInterval(timer), HELLO_EVERY);
  };
  const onMessage = (e: MessageEvent) => {
    // Only this iframe's player, from the host its src names: nothing the page or another frame forges.
    if (e.source === iframe.contentWindow && e.origin == origin)
      try {
        player._message(e.data);
      } catch {
        /* whatever arrives, nothing is thrown */
      }
  };
  // YouTube answers only with enablejsapi=1: it is added after a load of a YouTube src
  // without it (a change of src while that load is in flight may leave the old page in place):
  // the iframe's first, or one of another video the page gave it.
  const api = (s: string) => /[?&]enablejsapi=1(&|#|$)/.test(s);
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
    if ((same ? now != canonical(last) : !now) && newVideo(state, same ? now! : '')) (state.paused = true), heard('timeupdate');
    last = iframe.src;
    if (same) origin = new URL(last).origin;
    same && url[8] == 'w' && !api(last) ? rewrite() : hello(1);
  };
  iframe.addEventListener('load', onLoad);
  addEventListener('message', onMessage);
  // An iframe that loaded before it was found (its load is in the page's resource timing) will
  // not load again: rewrite it now; one still loading is rewritten at its load.
  if (performance.getEntriesByName(src).length) onLoad();
  else if (url[8] != 'w' || api(src)) hello();
  state.removeEventListener = () => {
    clearInterval(timer);
    iframe.removeEventListener('load', onLoad);
    removeEventListener('message', onMessage);
  };
  return state;
}
