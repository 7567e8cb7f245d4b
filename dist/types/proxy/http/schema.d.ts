/**
 * What the proxy accepts, field by field, for each Media Bridge event type.
 *
 * The fields and enums are HubSpot's request bodies:
 * https://developers.hubspot.com/docs/api-reference/latest/cms/media-bridge/events/media-played
 * The length caps, the timestamp window and the attention-span caps are this proxy's own
 * (HubSpot documents none); docs/proxy.md lists them.
 */
import type { EventType } from '../../wire.js';
/** How one field is checked. */
export type FieldSpec = 
/**
 * A string of at most `max` characters. With `shorten`, a longer one is cut to `max`
 * instead of refused: descriptive text (names, URLs) that a page cannot control, such as a
 * long title or a URL full of campaign parameters, must not cost the whole request.
 */
{
    kind: 'string';
    max: number;
    shorten?: true;
} | {
    kind: 'enum';
    values: readonly string[];
}
/** An integer that fits a JSON number exactly (HubSpot's int64 ids), within [min, max]. */
 | {
    kind: 'integer';
    min: number;
    max: number;
} | {
    kind: 'timestamp';
} | {
    kind: 'span-counts';
} | {
    kind: 'attention-totals';
};
/** Longest id the proxy keeps for de-duplication (a UUID is 36). */
export declare const MAX_ID_LENGTH = 128;
/** Cap for URLs (pageUrl, mediaUrl, iframeUrl) and externalId, which defaults to the media URL. */
export declare const MAX_URL_LENGTH = 2048;
/** Cap for display names (mediaName, pageName). */
export declare const MAX_NAME_LENGTH = 512;
/** Cap for `_hsenc` and `contactUtk`-like opaque tokens. */
export declare const MAX_TOKEN_LENGTH = 512;
/** Cap for `rawDataString`; the tracker keeps an attention-span payload under 16 KiB. */
export declare const MAX_RAW_DATA_STRING_LENGTH: number;
/** Most spans in one `rawDataMap`. */
export declare const MAX_SPANS = 4096;
/** Largest play count for one span. */
export declare const MAX_SPAN_COUNT = 1000000;
/** Default: an event may be this old (3 days: a page view that recovers a dead session). */
export declare const DEFAULT_MAX_EVENT_AGE_MS: number;
/** Default: an event may be this far in the future (visitors' clocks drift). */
export declare const DEFAULT_MAX_CLOCK_SKEW_MS: number;
/** One event type: its fields (wire fields included) and which are required. */
export interface TypeSpec {
    fields: ReadonlyMap<string, FieldSpec>;
    required: readonly string[];
}
/** Per event path, what HubSpot's body for it takes. */
export declare const EVENT_TYPES: ReadonlyMap<EventType, TypeSpec>;
/** The event types, for messages. */
export declare const EVENT_TYPE_NAMES: readonly EventType[];
