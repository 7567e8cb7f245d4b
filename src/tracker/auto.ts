/**
 * The drop-in script, dist/media-bridge-tracker.min.js: it starts itself from the data
 * attributes of its own script tag. `document.currentScript` is set only while the script
 * first runs (with `defer` and `async` too).
 */
import { scriptLoader } from './embeds-loader.js';
import { readScriptOptions, type TrackerOptions } from './options.js';
import { trackPage } from './page-tracker.js';

let options: TrackerOptions = {};
try {
  const script = document.currentScript as HTMLScriptElement | null;
  // Embed iframes load the embeds build from beside this script, read now (an inline copy has no src).
  trackPage((options = readScriptOptions(script)), script && script.src ? scriptLoader(script.src) : undefined);
} catch (e) {
  // Never thrown into the host page; `data-debug` says why the tracker could not start.
  if (options.debug) console.log('[media-bridge]', e);
}
