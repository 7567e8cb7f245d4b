import type { CommonFields } from '../wire.js';
import { type Climbed } from './data-attribute.js';
type Fields = Partial<CommonFields>;
/** A whole number written in decimal digits, as a number; undefined for anything else. */
export declare function wholeNumber(value: unknown): number | undefined;
/**
 * The page fields. Unless `identify`, neither `hubspotutk` nor `_hsenc` is read, and
 * `pageUrl` goes without its query string, where `_hsenc` and the visitor cookies that
 * HubSpot copies into links across domains (`__hstc`, `__hssc`, `__hsfp`) travel.
 */
export declare function pageFields(identify: boolean, pageId?: number): Fields;
/** Whether a source URL lives only in this page: a MediaSource `blob:`, or a `data:` URL. */
export declare const isPageLocal: (src: string) => boolean;
/**
 * The media fields of a media element: its source, and the data attributes written on it or
 * on the player that encloses it (data-attribute.ts), read as its session begins.
 */
export declare function mediaFields(el: Climbed & Pick<HTMLMediaElement, 'title' | 'getAttribute' | 'currentSrc' | 'tagName'>): Fields;
export {};
