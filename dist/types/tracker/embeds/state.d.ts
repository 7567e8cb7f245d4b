/**
 * What an embedded player's readings look like to the page tracker: an object shaped like a
 * media element as the playhead (session.ts) and `mediaFields` (context.ts) read one. The
 * embeds build fills it from the player's messages; the drop-in's own playhead reads it.
 *
 * Only unmangled names cross between the two builds (each is minified on its own): the DOM's
 * names, `found`, and positional arguments.
 */
import type { MediaState } from '../session.js';
type Writable<T> = {
    -readonly [K in keyof T]: T[K];
};
export interface EmbedState extends Writable<MediaState> {
    /** The player's title, `mediaName` unless the iframe has `data-media-name`. */
    title: string;
    /**
     * The iframe, as the state's parent: the page author's `data-media-*` attributes are read
     * on it, or on an element enclosing it (data-attribute.ts climbs there, and from a shadow
     * root to its host, as for a `<youtube-video>` holding the iframe in its shadow root).
     */
    parentNode: HTMLIFrameElement;
    tagName: 'VIDEO';
    /** The state itself has no attributes (nor the iframe's `title` or `aria-label`). */
    getAttribute(name: string): string | null;
}
/**
 * An embed as the page tracker tracks it: its state, which fires a media element's events
 * (`playing`, `timeupdate`, `seeking`, `ended`, `ratechange`) as the player reports, so that
 * the tracker's trackMedia (tracked-media.ts) listens to it as to a `<video>`. Removing a
 * listener (trackMedia's close) stops watching the player.
 */
export type EmbedMedia = EmbedState & EventTarget & {
    muted: boolean;
};
/**
 * What the embeds build hands the page tracker: starts watching `iframe`; nothing for an
 * iframe that is not a supported embed.
 */
export type Watch = (iframe: HTMLIFrameElement) => EmbedMedia | undefined;
/** The `<script>` of the embeds build, with the tracker's function that takes `watch`: how the two builds meet. */
export type EmbedsScript = HTMLScriptElement & {
    found?: (watch: Watch) => void;
};
/** A new state for a media at `url` (canonical), of `iframe`. */
export declare const embedState: (url: string, iframe: HTMLIFrameElement) => EmbedMedia;
/**
 * The player holds another video, at canonical `url`: a new source, as a media element's new
 * `src` is, from its start, its duration and title unknown until the player says. The
 * playhead ends the session of the video before at its next reading. False if it is the same.
 */
export declare const newVideo: (state: EmbedState, url: string) => boolean;
/** A duration as the playhead takes it: NaN while the player reports none. */
export declare const known: (d: unknown) => number;
export {};
