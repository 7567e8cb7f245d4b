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
  | { kind: 'string'; max: number; shorten?: true }
  | { kind: 'enum'; values: readonly string[] }
  /** An integer that fits a JSON number exactly (HubSpot's int64 ids), within [min, max]. */
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'timestamp' }
  | { kind: 'span-counts' }
  | { kind: 'attention-totals' };

/** Longest id the proxy keeps for de-duplication (a UUID is 36). */
export const MAX_ID_LENGTH = 128;
/** Cap for URLs (pageUrl, mediaUrl, iframeUrl) and externalId, which defaults to the media URL. */
export const MAX_URL_LENGTH = 2048;
/** Cap for display names (mediaName, pageName). */
export const MAX_NAME_LENGTH = 512;
/** Cap for `_hsenc` and `contactUtk`-like opaque tokens. */
export const MAX_TOKEN_LENGTH = 512;
/** Cap for `rawDataString`; the tracker keeps an attention-span payload under 16 KiB. */
export const MAX_RAW_DATA_STRING_LENGTH = 16 * 1024;
/** Most spans in one `rawDataMap`. */
export const MAX_SPANS = 4096;
/** Largest play count for one span. */
export const MAX_SPAN_COUNT = 1_000_000;
/** Default: an event may be this old (3 days: a page view that recovers a dead session). */
export const DEFAULT_MAX_EVENT_AGE_MS = 3 * 24 * 3600_000;
/** Default: an event may be this far in the future (visitors' clocks drift). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60_000;

const MEDIA_TYPES = ['AUDIO', 'DOCUMENT', 'IMAGE', 'OTHER', 'VIDEO'] as const;
const INT64_ID: FieldSpec = { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER };

/** Fields every event type takes, besides the wire's own `type` and `id`. */
const COMMON: Record<string, FieldSpec> = {
  mediaType: { kind: 'enum', values: MEDIA_TYPES },
  occurredTimestamp: { kind: 'timestamp' },
  sessionId: { kind: 'string', max: MAX_ID_LENGTH },
  _hsenc: { kind: 'string', max: MAX_TOKEN_LENGTH },
  contactUtk: { kind: 'string', max: MAX_TOKEN_LENGTH },
  contactId: INT64_ID,
  externalId: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
  externalPlayContext: { kind: 'enum', values: ['EMAIL', 'EXTERNAL_PAGE'] },
  mediaBridgeId: INT64_ID,
  mediaName: { kind: 'string', max: MAX_NAME_LENGTH, shorten: true },
  mediaUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
  pageId: INT64_ID,
  pageName: { kind: 'string', max: MAX_NAME_LENGTH, shorten: true },
  pageUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
};

const REQUIRED_COMMON = ['id', 'mediaType', 'occurredTimestamp', 'sessionId'];

/** One event type: its fields (wire fields included) and which are required. */
export interface TypeSpec {
  fields: ReadonlyMap<string, FieldSpec>;
  required: readonly string[];
}

function typeSpec(extra: Record<string, FieldSpec>, required: string[]): TypeSpec {
  const fields = new Map<string, FieldSpec>([['id', { kind: 'string', max: MAX_ID_LENGTH }]]);
  for (const [name, spec] of Object.entries({ ...COMMON, ...extra })) fields.set(name, spec);
  return { fields, required: [...REQUIRED_COMMON, ...required] };
}

/** Per event path, what HubSpot's body for it takes. */
export const EVENT_TYPES: ReadonlyMap<EventType, TypeSpec> = new Map<EventType, TypeSpec>([
  [
    'media-played',
    typeSpec(
      { state: { kind: 'enum', values: ['STARTED', 'VIEWED'] }, iframeUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true } },
      ['state'],
    ),
  ],
  ['media-played-percent', typeSpec({ playedPercent: { kind: 'integer', min: 0, max: 100 } }, ['playedPercent'])],
  [
    'attention-span',
    typeSpec(
      {
        rawDataMap: { kind: 'span-counts' },
        rawDataString: { kind: 'string', max: MAX_RAW_DATA_STRING_LENGTH },
        derivedValues: { kind: 'attention-totals' },
      },
      ['rawDataMap'],
    ),
  ],
]);

/** The event types, for messages. */
export const EVENT_TYPE_NAMES: readonly EventType[] = [...EVENT_TYPES.keys()];
