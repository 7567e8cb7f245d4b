/**
 * The drop-in's side of embedded players (issue 24): it finds embed iframes and asks for the
 * embeds build only when one is on the page. The players' protocols live in that build
 * (embeds/); each embed it watches fires a media element's events, which trackMedia hears as
 * from a `<video>`, so that embeds get the same playhead and numbers as media elements.
 */
import type { Watch } from './embeds/state.js';

// embeds/state.ts's EMBEDS_KEY, written again: the builds share no module.
const KEY = Symbol.for('media-bridge-embeds');

/** The iframes worth the embeds build (which checks each src exactly): YouTube's and Vimeo's. */
export const EMBEDS = 'iframe[src*="youtube"],iframe[src*="vimeo"]';

/**
 * Asks for the embeds build: `found` hears its `watch` once it runs. The first tracker that
 * asks runs `load` (the build, once loaded, calls every tracker queued, and later ones at once).
 */
export function requestEmbeds(load: () => unknown, found: (watch: Watch) => void) {
  const doc = document as unknown as { [KEY]?: { push(f: typeof found): number | void } };
  // Once the build runs, `push` calls `found` at once and returns nothing.
  if ((doc[KEY] || (doc[KEY] = [] as (typeof found)[])).push(found) == 1) load();
}

/**
 * The drop-in's loader: a `<script>` of the embeds build beside the drop-in, with the
 * drop-in's query string (a version, a CDN's key). `src` is the drop-in's own URL. A script
 * that a script inserts is async: it never blocks the page.
 */
export const scriptLoader = (src: string) => () => {
  const script = document.createElement('script');
  script.src = src.replace(/[^/?#]*([?#].*)?$/, 'media-bridge-tracker.embeds.min.js$1');
  document.head.append(script);
};
