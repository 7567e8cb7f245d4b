/**
 * Test pages, rendered from query-string knobs. Every page carries instrumentation first,
 * so that tests can wait on conditions instead of sleeping:
 * - `__media`: each media event, recorded in the capture phase on `document`;
 * - `__sent`: each beacon or keepalive fetch the page sends, as the tracker handed it over;
 * - `__onEvent`: each event passed to the module build's `onEvent` option;
 * - `__listened`: the event types listened to on window and document, and `__unlistened` those
 *   whose listeners were removed there;
 * - `__keysBefore`: `Object.keys(window)` just before the tracker loads.
 */
import { PLAYER_IMPORTS } from './web-components.js';

/** The knobs a test page takes. */
export interface PageKnobs {
  /** Which build tracks the page: the script tag (`iife`, default), the ES module (`esm`), or none (the body loads one). */
  build?: 'iife' | 'esm' | 'none';
  /** Tracker options: the module's options object, or the script tag's data attributes. */
  opts?: Record<string, unknown>;
  /** The body's HTML. */
  body?: string;
  /** HTML put in the head after the instrumentation and before the tracker. */
  head?: string;
  title?: string;
  /** `sync`: a classic script in the head, run before the body is parsed (IIFE only). */
  placement?: 'defer' | 'sync';
  /** The tracker starts only when the test calls `__startTracker()`. */
  late?: boolean;
  /** Appended to the URL as `#…`. */
  hash?: string;
  /** Served without `no-store`, so that it may enter the back/forward cache. */
  cacheable?: boolean;
  /** Extra query-string parameters of the page's URL (`_hsenc`, …). */
  query?: Record<string, string>;
}

/** The path and query of a page with these knobs. */
export function pagePath(knobs: PageKnobs, run = ''): string {
  const q = new URLSearchParams(knobs.query);
  for (const [k, v] of Object.entries(knobs)) {
    if (k == 'query' || k == 'hash' || v === undefined) continue;
    q.set(k, typeof v == 'object' ? JSON.stringify(v) : String(v));
  }
  if (run) q.set('run', run);
  return `/page?${q}${knobs.hash ? `#${knobs.hash}` : ''}`;
}

const escape = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `pageId` → `data-page-id`; `true` → a bare attribute; arrays joined with commas. */
function dataAttributes(opts: Record<string, unknown>): [string, string][] {
  return Object.entries(opts)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => [`data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v === true ? '' : String(v)]);
}

const INSTRUMENTATION = `<script>
(() => {
  const w = window;
  w.__media = []; w.__sent = []; w.__onEvent = []; w.__listened = []; w.__unlistened = []; w.__keysBefore = null;
  for (const t of ['playing', 'pause', 'ended', 'seeking', 'seeked', 'timeupdate', 'volumechange', 'loadedmetadata', 'waiting'])
    document.addEventListener(t, (e) => w.__media.push({ type: t, id: e.target.id, time: e.target.currentTime }), true);
  const beacon = navigator.sendBeacon;
  navigator.sendBeacon = function (url, body) {
    w.__sent.push({ via: 'beacon', url: String(url), body: String(body) });
    return beacon.call(navigator, url, body);
  };
  const fetch = w.fetch;
  w.fetch = function (url, init) {
    if (init && init.method == 'POST') w.__sent.push({ via: 'fetch', url: String(url), body: String(init.body), keepalive: init.keepalive });
    return fetch.call(w, url, init);
  };
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (this === w || this === document) w.__listened.push(type);
    return add.call(this, type, ...rest);
  };
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.removeEventListener = function (type, ...rest) {
    if (this === w || this === document) w.__unlistened.push(type);
    return remove.call(this, type, ...rest);
  };
})();
</script>`;

export function renderPage(q: URLSearchParams): string {
  const build = q.get('build') || 'iife';
  const opts = JSON.parse(q.get('opts') || '{}') as Record<string, unknown>;
  const late = q.get('late') == 'true';
  let tracker: string;
  if (build == 'none') tracker = '';
  else if (build == 'esm') {
    tracker = `<script type="module">
import { startTracking } from '/dist/index.js';
const options = ${JSON.stringify(opts)};
options.onEvent = (event) => window.__onEvent.push(event);
window.__startTracker = () => { window.tracker = startTracking(options); };
${late ? '' : '__startTracker();'}
</script>`;
  } else {
    const attributes = dataAttributes(opts);
    tracker = late
      ? `<script>window.__startTracker = () => {
  const s = document.createElement('script');
  for (const [name, value] of ${JSON.stringify(attributes)}) s.setAttribute(name, value);
  s.src = '/dist/media-bridge-tracker.min.js';
  document.head.append(s);
};</script>`
      : `<script ${q.get('placement') == 'sync' ? '' : 'defer '}src="/dist/media-bridge-tracker.min.js" ${attributes
          .map(([name, value]) => (value ? `${name}="${escape(value)}"` : name))
          .join(' ')}></script>`;
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(q.get('title') ?? 'Q3 webinar')}</title>
${INSTRUMENTATION}
<script type="importmap">${JSON.stringify({ imports: { 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs', 'media-bridge-tracker': '/dist/index.js', ...PLAYER_IMPORTS } })}</script>
${q.get('head') || ''}
<script>window.__keysBefore = Object.keys(window);</script>
${tracker}
</head>
<body>
${q.get('body') || ''}
</body>
</html>`;
}
