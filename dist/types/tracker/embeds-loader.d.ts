/**
 * The drop-in's side of embedded players (issue 24): it finds embed iframes and asks for the
 * embeds build only when one is on the page. The players' protocols live in that build
 * (embeds/); each embed it watches fires a media element's events, which trackMedia hears as
 * from a `<video>`, so that embeds get the same playhead and numbers as media elements.
 */
import type { Watch } from './embeds/state.js';
/** The iframes worth the embeds build (which checks each src exactly): YouTube's and Vimeo's. */
export declare const EMBEDS = "iframe[src*=\"youtube\"],iframe[src*=\"vimeo\"]";
/**
 * The playhead's clock slack for an embed, in seconds (session.ts). A player reports where it
 * is about every quarter second, by message; on a busy page several wait and arrive at once,
 * each a report apart in the player's time and none apart on the page's clock. A slack longer
 * than a report's interval counts them as the play they are. A seek shorter than this (times
 * the rate) is credited as play; Vimeo also announces its seeks.
 */
export declare const EMBED_SLACK = 1;
/** Loads the embeds build once: `found` hears its `watch` when it has run. */
export type LoadEmbeds = (found: (watch: Watch) => void) => unknown;
/**
 * The drop-in's loader: a `<script>` of the embeds build beside the drop-in (`src` is the
 * drop-in's own URL), with the drop-in's query string (a version, a CDN's key). A script that
 * a script inserts is async: it never blocks the page. `found` is handed to the build on that
 * script element, which the build calls with its `watch` as it runs (embeds/embeds.ts): neither
 * build adds a global.
 */
export declare const scriptLoader: (src: string) => LoadEmbeds;
