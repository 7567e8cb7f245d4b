/**
 * The wire format between the tracker and the proxy, shared by both sides.
 *
 * A beacon is `POST <endpoint>` with a JSON body sent as `text/plain;charset=UTF-8`
 * (a CORS "simple request", so no preflight): `{"events": [WireEvent, …]}`.
 *
 * Apart from `type` and `id`, every field of an event is exactly the field of
 * HubSpot's request body for that event type:
 * https://developers.hubspot.com/docs/api-reference/latest/cms/media-bridge/events/media-played
 * A field with no value is left out, never sent as null or "".
 *
 * The tracker imports only the types from here; the runtime tables below are for
 * the proxy's validator and are tree-shaken out of the browser bundle.
 */

/** The Media Bridge event path, `POST /media-bridge/v1/events/{type}`. */
export type EventType = 'media-played' | 'media-played-percent' | 'attention-span';

/** HubSpot's media types. */
export type MediaType = 'VIDEO' | 'AUDIO' | 'DOCUMENT' | 'IMAGE' | 'OTHER';

/** Where the play happened: EMAIL when the page was opened from a HubSpot email (`_hsenc`). */
export type PlayContext = 'EMAIL' | 'EXTERNAL_PAGE';

/** Fields every Media Bridge event body shares. */
export interface CommonFields {
  /** Unique per event, so the proxy can drop a resent duplicate. Not forwarded to HubSpot. */
  id: string;
  /** The media's type. Required by HubSpot. */
  mediaType: MediaType;
  /** When it happened, in milliseconds since the epoch. Required by HubSpot. */
  occurredTimestamp: number;
  /** One viewing of one source. Required by HubSpot. */
  sessionId: string;
  /** The visitor's `hubspotutk` cookie, when present and consented to. */
  contactUtk?: string;
  /** HubSpot contact id. The tracker never sends it; see docs/proxy.md, What is accepted. */
  contactId?: number;
  /** The `_hsenc` query parameter of a page opened from a HubSpot email. */
  _hsenc?: string;
  /** The media object's `hs_external_id` in HubSpot. */
  externalId?: string;
  /** HubSpot's id for the media object. */
  mediaBridgeId?: number;
  /** Display name of the media. */
  mediaName?: string;
  /** Absolute URL of the media source. */
  mediaUrl?: string;
  /** EMAIL or EXTERNAL_PAGE. */
  externalPlayContext?: PlayContext;
  /** HubSpot CMS page id. */
  pageId?: number;
  /** The page's title. */
  pageName?: string;
  /** The page's URL without its fragment. */
  pageUrl?: string;
}

/** `media-played`: a viewing started. HubSpot's timeline shows nothing without it. */
export interface MediaPlayedEvent extends CommonFields {
  type: 'media-played';
  /** STARTED when the viewing begins. */
  state: 'STARTED' | 'VIEWED';
  /** URL of the iframe that holds the player, if any. */
  iframeUrl?: string;
}

/** `media-played-percent`: a share of the media was actually played in this session. */
export interface MediaPlayedPercentEvent extends CommonFields {
  type: 'media-played-percent';
  /** A milestone, 0 to 100 (the tracker sends 25, 50, 75, 100 by default). */
  playedPercent: number;
}

/** `attention-span`: which parts of the media were played in this session, and how often. */
export interface AttentionSpanEvent extends CommonFields {
  type: 'attention-span';
  /** Span index (as a string) → how many times that span was played. */
  rawDataMap: Record<string, number>;
  /** The same map in HubSpot's string form, "0=2;1=2;2=1". */
  rawDataString?: string;
  /** Totals derived from the same record. */
  derivedValues?: { totalPercentPlayed?: number; totalSecondsPlayed?: number };
}

/** One event on the wire. */
export type WireEvent = MediaPlayedEvent | MediaPlayedPercentEvent | AttentionSpanEvent;

/** The body of one beacon. */
export interface WireBody {
  events: WireEvent[];
}

/** Largest body the proxy reads (64 KiB); the tracker keeps each request under 60 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Most events the proxy accepts in one request. */
export const MAX_EVENTS_PER_REQUEST = 50;
