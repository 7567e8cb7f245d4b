/**
 * The embeds build, dist/media-bridge-tracker.embeds.min.js (and, for bundlers, the chunk that
 * `startTracking({ embeds: true })` imports): YouTube and Vimeo iframes, spoken to in their
 * players' postMessage protocols. It holds no playhead: it turns each player's messages into
 * readings of a media-element-shaped state (state.ts), which the page tracker's own playhead
 * reads, so embeds and media elements get the same numbers from the same code.
 *
 * How it meets the tracker, without a global: `document[Symbol.for('media-bridge-embeds')]`
 * is a queue of functions that trackers push (embeds-loader.ts); this build calls each with
 * its `watch`, and then replaces the queue with an object whose `push` calls at once. Loaded
 * twice, it leaves the first copy in place.
 */
import { EMBEDS_KEY, type Watch } from './state.js';
import { watch } from './watch.js';

type Plug = (watch: Watch) => void;
type Queue = { push(plug: Plug): unknown; forEach?: (fn: (plug: Plug) => void) => void };

const doc = document as unknown as { [EMBEDS_KEY]?: Queue };
const queue = doc[EMBEDS_KEY];
if (!queue || queue.forEach) {
  const run = (plug: Plug) => {
    try {
      plug(watch);
    } catch {
      /* a tracker's own failure stays its own */
    }
  };
  doc[EMBEDS_KEY] = { push: run };
  if (queue) queue.forEach!(run);
}
