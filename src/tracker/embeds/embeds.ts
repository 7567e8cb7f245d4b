/**
 * The embeds build, dist/media-bridge-tracker.embeds.min.js: YouTube and Vimeo iframes,
 * spoken to in their players' postMessage protocols. It holds no playhead: it turns each
 * player's messages into readings of a media-element-shaped state (state.ts), which the page
 * tracker's own playhead reads, so embeds and media elements get the same numbers from the
 * same code.
 *
 * How it meets the drop-in, without a global: the drop-in inserts the `<script>` that runs
 * this build with its tracker's `found` on that element (embeds-loader.ts), and this build
 * calls it with `watch` as it runs. (`startTracking({ embeds: true })` imports watch.ts.)
 */
import type { EmbedsScript } from './state.js';
import { watch } from './watch.js';

const script = document.currentScript as EmbedsScript | null;
if (script && script.found) script.found(watch);
