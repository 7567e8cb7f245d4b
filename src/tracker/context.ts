/**
 * The context fields of an event: who is watching, on which page, and which media. Read as
 * each event is built, so that a change of consent, title or attributes counts at once.
 */
import Cookies from 'js-cookie';
import type { CommonFields, MediaType } from '../wire.js';
import { dataAttribute, type Climbed } from './data-attribute.js';

type Fields = Partial<CommonFields>;

/** A whole number written in decimal digits, as a number; undefined for anything else. */
export function wholeNumber(value: unknown): number | undefined {
  // test() reads its argument as a string: undefined is "undefined", 42 is "42".
  return /^\d+$/.test(value as string) ? +(value as string) : undefined;
}

// HubSpot's `hubspotutk` cookie holds 32 hex digits; anything else is not one.
const UTK = /^[\da-f]{32}$/i;

/**
 * The page fields. Unless `identify`, neither `hubspotutk` nor `_hsenc` is read, and
 * `pageUrl` goes without its query string, where `_hsenc` and the visitor cookies that
 * HubSpot copies into links across domains (`__hstc`, `__hssc`, `__hsfp`) travel.
 */
export function pageFields(identify: boolean, pageId?: number): Fields {
  const url = new URL(location.href);
  const hsenc = identify && url.searchParams.get('_hsenc');
  const utk = identify && Cookies.get('hubspotutk');
  const hsVars = (window as { hsVars?: { page_id?: unknown } }).hsVars;
  url.hash = '';
  if (!identify) url.search = '';
  return {
    // As in wholeNumber: no cookie, or no consent, tests as "undefined" or "false".
    contactUtk: UTK.test(utk as string) ? (utk as string) : undefined,
    _hsenc: hsenc || undefined,
    externalPlayContext: hsenc ? 'EMAIL' : 'EXTERNAL_PAGE',
    // On HubSpot CMS pages, `hsVars.page_id` is the page's id.
    pageId: pageId || wholeNumber(hsVars && hsVars.page_id),
    pageName: document.title,
    pageUrl: url.href,
  };
}

/** Whether a source URL lives only in this page: a MediaSource `blob:`, or a `data:` URL. */
export const isPageLocal = (src: string) => /^(blob|data):/.test(src);

const MEDIA_TYPES = /^(VIDEO|AUDIO|DOCUMENT|IMAGE|OTHER)$/;

/**
 * The media fields of a media element: its source, and the data attributes written on it or
 * on the player that encloses it (data-attribute.ts), read as its session begins.
 */
export function mediaFields(el: Climbed & Pick<HTMLMediaElement, 'title' | 'getAttribute' | 'currentSrc' | 'tagName'>): Fields {
  const data = (name: string) => dataAttribute(el, `media-${name}`);
  // hls.js, dash.js and Shaka play from a blob: URL that changes on every load, so it
  // identifies nothing; a data: URL can be megabytes. Neither is sent.
  const url = isPageLocal(el.currentSrc) ? '' : el.currentSrc;
  const type = data('type');
  let file: string | undefined;
  try {
    file = decodeURIComponent(url.split(/[?#]/)[0].split('/').pop()!);
  } catch {
    /* no URL, or a malformed escape */
  }
  return {
    // tagName is VIDEO or AUDIO, HubSpot's names for them.
    // test() reads null (no attribute) as "null", which is no media type.
    mediaType: (MEDIA_TYPES.test(type!) ? type : el.tagName) as MediaType,
    externalId: data('id') || url,
    mediaBridgeId: wholeNumber(data('bridge-id')),
    mediaName: data('name') || el.title || el.getAttribute('aria-label') || file,
    mediaUrl: url,
  };
}
