/**
 * Hand-written web-component players (issue 25), for every engine's suite alike (helpers
 * only, no tests): custom elements whose `<video>` sits in a shadow root, one or two levels
 * down, defined when the test says; and functions that run in the page to reach, play,
 * replace and remove that video (each takes its arguments as one tuple, as in-page.ts).
 */
import type { WireEvent } from '../src/wire.js';
import { steps, VIEWING } from './media.js';

/** The npm packages of the real players, served from node_modules by the fixture server (server.ts). */
export const PLAYER_PACKAGES = [
  ...['hls-video-element', 'custom-media-element', 'media-tracks', 'hls.js'],
  ...['@mux/mux-video', '@mux/mux-player', 'media-chrome'],
  ...['vidstack', '@floating-ui/dom', '@floating-ui/core', '@floating-ui/utils', 'fscreen'],
];

/** The bare imports of those served as ES modules, for every test page's import map (pages.ts). */
export const PLAYER_IMPORTS = {
  'hls-video-element': '/node_modules/hls-video-element/dist/hls-video-element.js',
  'custom-media-element': '/node_modules/custom-media-element/dist/custom-media-element.js',
  'media-tracks': '/node_modules/media-tracks/dist/index.js',
  'hls.js/dist/hls.mjs': '/node_modules/hls.js/dist/hls.mjs',
  '@floating-ui/dom': '/node_modules/@floating-ui/dom/dist/floating-ui.dom.mjs',
  '@floating-ui/core': '/node_modules/@floating-ui/core/dist/floating-ui.core.mjs',
  '@floating-ui/utils': '/node_modules/@floating-ui/utils/dist/floating-ui.utils.mjs',
  '@floating-ui/utils/dom': '/node_modules/@floating-ui/utils/dist/floating-ui.utils.dom.mjs',
  fscreen: '/node_modules/fscreen/dist/fscreen.esm.js',
};

/**
 * Put in the head, before the tracker: `__player(name, options)` defines a player element.
 * Its constructor attaches the shadow root (`mode`, open by default); connecting it draws a
 * frame and a `<video>` playing its `src` attribute in that root, or, with `inner`, an
 * element of that name in the root, which holds the video in its own. Each keeps its root
 * as `root`, so that the test reaches a closed one too, as a player exposes its media.
 */
export const PLAYERS = `<script>
window.__player = (name, { mode = 'open', inner } = {}) =>
  customElements.define(name, class extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode });
    }
    connectedCallback() {
      if (this.root.firstChild) return;
      const src = this.getAttribute('src');
      this.root.innerHTML = inner
        ? '<div part="frame"><' + inner + ' src="' + src + '"></' + inner + '></div>'
        : '<div part="frame"><video preload="auto" src="' + src + '"></video></div>';
    }
  });
// The media element inside the player \`id\`: in its light DOM, else through its root and
// the roots below, however deep (the roots these players keep, or any open one).
window.__inner = (id) => {
  const find = (node) => {
    const media = node.querySelector('video, audio');
    if (media) return media;
    for (const el of [node, ...node.querySelectorAll('*')]) {
      const root = el.root || el.shadowRoot;
      const inner = root && root != node && find(root);
      if (inner) return inner;
    }
    return null;
  };
  const host = document.getElementById(id);
  return host && find(host);
};
</script>`;

/** A player element of `name` with an id, playing `file` of e2e/media, and extra attributes. */
export const player = (name: string, id: string, file: string, attrs = '') => `<${name} id="${id}" src="/media/${file}" ${attrs}></${name}>`;

/** In the page: whether the tracker has started (it marks the document as it starts, owner.ts). */
export function trackerStarted(): boolean {
  return !!(document as unknown as Record<symbol, unknown>)[Symbol.for('media-bridge')];
}

/** In the page: the state of the media element inside the player `id`, or null while there is none. */
export function innerState([id]: [string]): { currentTime: number; ended: boolean; paused: boolean; src: string; readyState: number } | null {
  const el = (window as unknown as { __inner(id: string): HTMLMediaElement | null }).__inner(id);
  return el && { currentTime: el.currentTime, ended: el.ended, paused: el.paused, src: el.currentSrc, readyState: el.readyState };
}

/**
 * In the page: acts on the media element inside the player `id`. 'play' plays it at `arg`
 * times; 'replace' puts a new video playing `arg` in its place; 'remove at' removes the
 * player from the page as soon as its media has played to `arg` seconds, checked in the
 * page at each timeupdate and every 10 ms, and resolves then.
 */
export function actOnInner([id, act, arg]: [string, 'play' | 'replace' | 'remove at', number | string]): Promise<unknown> {
  const el = (window as unknown as { __inner(id: string): HTMLMediaElement }).__inner(id);
  if (act == 'play') {
    el.playbackRate = arg as number;
    return el.play();
  }
  if (act == 'replace') {
    const next = document.createElement('video');
    next.preload = 'auto';
    next.src = arg as string;
    el.replaceWith(next);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const check = () => {
      if (el.currentTime < (arg as number)) return;
      clearInterval(timer);
      el.removeEventListener('timeupdate', check);
      document.getElementById(id)!.remove();
      resolve(el.currentTime);
    };
    const timer = setInterval(check, 10);
    el.addEventListener('timeupdate', check);
  });
}

/**
 * What is wrong with `events` as the whole play of one media at its end: one session whose
 * steps are STARTED, 25, 50, 75, 100 and an attention span of 100%, every event carrying
 * `fields`. Empty when nothing is.
 */
export function wholePlayProblems(events: WireEvent[], fields: Partial<WireEvent>): string[] {
  const problems: string[] = [];
  if (JSON.stringify(steps(events)) != JSON.stringify(VIEWING)) problems.push(`steps ${JSON.stringify(steps(events))}`);
  if (new Set(events.map((e) => e.sessionId)).size != 1) problems.push(`sessions ${[...new Set(events.map((e) => e.sessionId))]}`);
  const span = events.find((e) => e.type == 'attention-span') as { derivedValues?: { totalPercentPlayed?: number } } | undefined;
  if (span && span.derivedValues?.totalPercentPlayed != 100) problems.push(`attention span ${JSON.stringify(span.derivedValues)}`);
  for (const e of events)
    for (const [k, v] of Object.entries(fields))
      if ((e as unknown as Record<string, unknown>)[k] !== v) problems.push(`${e.type} ${k}=${JSON.stringify((e as unknown as Record<string, unknown>)[k])}, not ${JSON.stringify(v)}`);
  return problems;
}
