/**
 * The drop-in script, dist/media-bridge-tracker.min.js: it starts itself from the data
 * attributes of its own script tag. `document.currentScript` is set only while the script
 * first runs (with `defer` and `async` too).
 */
import { readScriptOptions } from './options.js';
import { trackPage } from './page-tracker.js';

try {
  trackPage(readScriptOptions(document.currentScript));
} catch {
  /* never throw into the host page */
}
