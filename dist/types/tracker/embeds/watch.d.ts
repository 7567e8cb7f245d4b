/**
 * Watches one embed iframe: finds which player it holds, talks to it, and trusts only what
 * that player sends.
 */
import { type EmbedMedia } from './state.js';
/**
 * The supported embeds: YouTube's (www. or bare, and youtube-nocookie.com) and Vimeo's.
 * Group 1 is YouTube's video id, group 2 Vimeo's.
 */
export declare const EMBED_URL: RegExp;
/** The media's canonical URL, `externalId` and `mediaUrl`: the same whichever host or query the embed used. */
export declare const canonical: (src: string) => string | undefined;
/**
 * Watches `iframe`: its state fires a media element's events as the player reports; removing
 * a listener from it stops watching. Undefined when it is not a supported embed. Never throws
 * into the page.
 */
export declare function watch(iframe: HTMLIFrameElement): EmbedMedia | undefined;
