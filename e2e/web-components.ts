/**
 * Web-component players (issue 25), for every engine's suite alike (helpers and scenarios,
 * no tests): hand-written custom elements whose `<video>` sits in a shadow root, one or two
 * levels down, defined when the test says; functions that run in the page to reach, play,
 * replace and remove that video (each takes its arguments as one tuple, as in-page.ts); and
 * SCENARIOS, run by each engine's suite through its own `Driver`.
 */
import type { AttentionSpanEvent, WireEvent } from '../src/wire.js';
import { sentEvents } from './in-page.js';
import { BUILDS, media, steps, VIEWING } from './media.js';
import type { PageKnobs } from './pages.js';

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
  return host && (host.matches('video, audio') ? host : find(host));
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
 * In the page: acts on the media element inside the player `id`, and returns at once.
 * 'play' plays it at `arg` times; 'replace' puts a new video playing `arg` in its place;
 * 'remove at' removes the player from the page as soon as its media has played to `arg`
 * seconds, checked in the page at each timeupdate and every 10 ms (no round trip between
 * the check and the act), and keeps the position it did so at as `__removedAt`.
 */
export function actOnInner([id, act, arg]: [string, 'play' | 'replace' | 'remove at', number | string]): void {
  const el = (window as unknown as { __inner(id: string): HTMLMediaElement }).__inner(id);
  if (act == 'play') {
    el.playbackRate = arg as number;
    // A refusal is seen as a play that never ends.
    el.play().catch(() => undefined);
  } else if (act == 'replace') {
    const next = document.createElement('video');
    next.preload = 'auto';
    next.src = arg as string;
    el.replaceWith(next);
  } else {
    const check = () => {
      if (el.currentTime < (arg as number)) return;
      clearInterval(timer);
      el.removeEventListener('timeupdate', check);
      document.getElementById(id)!.remove();
      (window as unknown as { __removedAt: number }).__removedAt = el.currentTime;
    };
    const timer = setInterval(check, 10);
    el.addEventListener('timeupdate', check);
  }
}

/** In the page: where 'remove at' removed its player, or null before. */
export function removedAt(): number | null {
  return (window as unknown as { __removedAt?: number }).__removedAt ?? null;
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

/** How a scenario drives one engine's browser: each suite makes its own. */
export interface Driver {
  /** Opens a test page of this test's run. */
  open(knobs: PageKnobs): Promise<void>;
  /** Runs `fn` in the page with `arg`. */
  inPage<A, R>(fn: (arg: A) => R, arg: A): Promise<Awaited<R>>;
  /** Resolves once `ready` says yes, polled; fails after a while, saying `what` it waited for. */
  until(what: string, ready: () => Promise<boolean>): Promise<unknown>;
  /** This test's events as the proxy received them, once there are at least `n`. */
  events(n: number): Promise<WireEvent[]>;
  /** The fixture server's origin. */
  origin: string;
}

/** Resolves once the media inside the player `id` has loaded its metadata, and `ready` says yes of its state. */
const loaded = (d: Driver, id: string, ready: (s: NonNullable<ReturnType<typeof innerState>>) => boolean = () => true) =>
  d.until(`the media of #${id}`, async () => {
    const state = await d.inPage(innerState, [id]);
    return !!state && state.readyState >= 1 && ready(state);
  });
const play = (d: Driver, id: string, rate = 4) => d.inPage(actOnInner, [id, 'play', rate]);
const define = (name: string, options = {}) => `<script>__player('${name}', ${JSON.stringify(options)});</script>`;
const IDENTITY = 'data-media-id="webinar" data-media-name="The webinar"';
const NAMED = { externalId: 'webinar', mediaName: 'The webinar' };

/**
 * The hand-written cases of issue 25, for each build: each returns what is wrong (empty
 * when nothing is), or throws when what it waits for never comes.
 */
export const SCENARIOS: { name: string; run(d: Driver, build: 'iife' | 'esm'): Promise<string[]> }[] = [
  {
    name: 'a player defined before the tracker starts: a whole play, named by its attributes',
    async run(d, build) {
      await d.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-1s.webm', IDENTITY) });
      await loaded(d, 'p');
      await play(d, 'p');
      return wholePlayProblems(await d.events(6), { ...NAMED, mediaUrl: `${d.origin}/media/clip-1s.webm` });
    },
  },
  {
    name: 'a player defined a second after the tracker started',
    async run(d, build) {
      await d.open({ build, head: PLAYERS, body: player('x-late', 'p', 'clip-1s.webm', IDENTITY) });
      await d.until('the tracker to start', () => d.inPage(trackerStarted, undefined));
      const before = await d.inPage(innerState, ['p']);
      await d.inPage(() => setTimeout(() => (window as unknown as { __player(name: string): void }).__player('x-late'), 1000), undefined);
      await loaded(d, 'p');
      await play(d, 'p');
      return [...(before ? ['a media element before the definition'] : []), ...wholePlayProblems(await d.events(6), NAMED)];
    },
  },
  {
    name: 'a video two shadow roots down, the outer player and the page around it naming it',
    async run(d, build) {
      await d.open({
        build,
        head: PLAYERS + define('x-inner') + define('x-outer', { inner: 'x-inner' }),
        body: `<section data-media-type="OTHER">${player('x-outer', 'p', 'clip-1s.webm', IDENTITY)}</section>`,
      });
      await loaded(d, 'p');
      await play(d, 'p');
      return wholePlayProblems(await d.events(6), { ...NAMED, mediaType: 'OTHER' });
    },
  },
  {
    name: 'a player added by a script after load',
    async run(d, build) {
      await d.open({ build, head: PLAYERS + define('x-player'), body: '<main></main>' });
      await d.until('the tracker to start', () => d.inPage(trackerStarted, undefined));
      await d.inPage((html) => document.querySelector('main')!.insertAdjacentHTML('beforeend', html), player('x-player', 'p', 'clip-1s.webm', IDENTITY));
      await loaded(d, 'p');
      await play(d, 'p');
      return wholePlayProblems(await d.events(6), NAMED);
    },
  },
  {
    name: "a player's inner video replaced after the first ended: two sessions, each naming its own media",
    async run(d, build) {
      await d.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-1s.webm') });
      await loaded(d, 'p');
      await play(d, 'p');
      const first = await d.events(6);
      await d.inPage(actOnInner, ['p', 'replace', '/media/clip-4s.webm']);
      await loaded(d, 'p', (s) => s.src.endsWith('clip-4s.webm'));
      await play(d, 'p');
      const second = (await d.events(12)).slice(6);
      const url = (file: string) => `${d.origin}/media/${file}`;
      return [
        ...wholePlayProblems(first, { mediaUrl: url('clip-1s.webm'), externalId: url('clip-1s.webm') }),
        ...wholePlayProblems(second, { mediaUrl: url('clip-4s.webm'), externalId: url('clip-4s.webm') }),
        ...(second[0].sessionId == first[0].sessionId ? ['one session for both'] : []),
      ];
    },
  },
  {
    name: 'a player removed mid-play ends its session, and nothing more is sent for it',
    async run(d, build) {
      await d.open({ build, head: PLAYERS + define('x-player'), body: player('x-player', 'p', 'clip-8s.webm', IDENTITY) });
      await loaded(d, 'p');
      await d.inPage(actOnInner, ['p', 'remove at', 2.5]);
      await play(d, 'p', 2);
      await d.until('the player removed', async () => (await d.inPage(removedAt, undefined)) != null);
      const at = (await d.inPage(removedAt, undefined))!;
      const events = await d.events(3);
      const span = events[2] as AttentionSpanEvent | undefined;
      const problems = [
        ...(JSON.stringify(steps(events)) == JSON.stringify(['STARTED', 25, 'attention-span']) ? [] : [`steps ${JSON.stringify(steps(events))}`]),
        ...(new Set(events.map((e) => e.sessionId)).size == 1 ? [] : ['more than one session']),
        ...events.filter((e) => e.externalId != 'webinar').map((e) => `${e.type} named ${e.externalId}`),
        ...(span && span.derivedValues!.totalSecondsPlayed! <= Math.ceil(at) ? [] : [`removed at ${at} s, credited ${JSON.stringify(span?.derivedValues)}`]),
      ];
      // Then a light-DOM video played whole: its own events follow, and nothing else.
      await d.inPage((html) => document.body.insertAdjacentHTML('beforeend', html), media('after', 'clip-1s.webm'));
      await loaded(d, 'after');
      await play(d, 'after');
      const after = (await d.events(9)).slice(3);
      return [...problems, ...wholePlayProblems(after, { mediaUrl: `${d.origin}/media/clip-1s.webm` })];
    },
  },
  {
    name: 'a closed shadow root, and a player marked data-media-track="off": no events, and no error',
    async run(d, build) {
      await d.open({
        build,
        head: PLAYERS + define('x-closed', { mode: 'closed' }) + define('x-open'),
        body: player('x-closed', 'closed', 'clip-1s.webm') + player('x-open', 'off', 'clip-1s.webm', 'data-media-track="off"') + media('light', 'clip-4s.webm'),
      });
      for (const id of ['closed', 'off']) {
        await loaded(d, id);
        await play(d, id);
        await loaded(d, id, (s) => s.ended);
      }
      // The tracker is alive: the light-DOM video's whole play, sent after anything of the
      // two played before it would have been, and nothing else.
      await play(d, 'light');
      await loaded(d, 'light', (s) => s.ended);
      await d.until('the light video\'s six events sent', async () => (await d.inPage(sentEvents, undefined)).length >= 6);
      const sent = await d.inPage(sentEvents, undefined);
      return [...sent.filter((e) => !e.mediaUrl!.endsWith('clip-4s.webm')).map((e) => `${e.type} of ${e.mediaUrl}`), ...wholePlayProblems(sent, {})];
    },
  },
];

/** Each scenario for each build, as one engine's suite names and runs it. */
export const SCENARIO_CASES = BUILDS.flatMap((build) =>
  SCENARIOS.map(({ name, run }) => ({ name: `${build} build: ${name}`, run: (d: Driver) => run(d, build) })),
);
