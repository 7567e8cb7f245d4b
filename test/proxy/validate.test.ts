import { describe, expect, it } from 'vitest';
import { validateBody, type ProblemCode } from '../../src/proxy/http/validate.js';
import { MAX_EVENTS_PER_REQUEST } from '../../src/wire.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

const played = {
  type: 'media-played',
  id: '6f1c2a9e-1b7d-4c1e-9a0a-000000000001',
  mediaType: 'VIDEO',
  occurredTimestamp: NOW - 1000,
  sessionId: '2b0e5f3c-0000-4000-8000-000000000001',
  state: 'STARTED',
};
const quartile = { ...played, type: 'media-played-percent', id: 'q-1', playedPercent: 25 };
delete (quartile as Record<string, unknown>).state;
const attention = {
  type: 'attention-span',
  id: 'a-1',
  mediaType: 'AUDIO',
  occurredTimestamp: NOW,
  sessionId: 's-2',
  rawDataMap: { '0': 2, '1': 2, '2': 1 },
  rawDataString: '0=2;1=2;2=1',
  derivedValues: { totalPercentPlayed: 50, totalSecondsPlayed: 30 },
};

const good: Array<[string, Record<string, unknown>]> = [
  ['a minimal media-played', played],
  ['media-played VIEWED with every optional field', {
    ...played,
    state: 'VIEWED',
    _hsenc: 'p2ANqtz-abc',
    contactUtk: 'abcdef0123456789abcdef0123456789',
    externalId: 'webinar-2026-q3',
    externalPlayContext: 'EMAIL',
    mediaBridgeId: 1234567890123,
    mediaName: 'Q3 webinar',
    mediaUrl: 'https://example.com/media/webinar.mp4',
    pageId: 42,
    pageName: 'Watch',
    pageUrl: 'https://example.com/watch',
    iframeUrl: 'https://player.example.com/embed/1',
  }],
  ['a quartile', quartile],
  ['playedPercent 0', { ...quartile, playedPercent: 0 }],
  ['playedPercent 100', { ...quartile, playedPercent: 100 }],
  ['an attention span', attention],
  ['an attention span with only rawDataMap', { ...attention, rawDataString: undefined, derivedValues: undefined }],
  ['a timestamp 3 days old minus a minute', { ...played, occurredTimestamp: NOW - 3 * 24 * 3600_000 + 60_000 }],
  ['a timestamp 9 minutes ahead', { ...played, occurredTimestamp: NOW + 9 * 60_000 }],
  ['non-ASCII names', { ...played, mediaName: 'Vidéo « été » 📹' }],
];

const bad: Array<[string, unknown, { index: number | null; field: string; code: ProblemCode }]> = [
  ['no type', { ...played, type: undefined }, { index: 0, field: 'type', code: 'required' }],
  ['an unknown type', { ...played, type: 'media-paused' }, { index: 0, field: 'type', code: 'unknown_type' }],
  ['a type of the wrong kind', { ...played, type: 7 }, { index: 0, field: 'type', code: 'unknown_type' }],
  ['no id', { ...played, id: undefined }, { index: 0, field: 'id', code: 'required' }],
  ['an empty id', { ...played, id: '' }, { index: 0, field: 'id', code: 'empty' }],
  ['an id too long', { ...played, id: 'x'.repeat(129) }, { index: 0, field: 'id', code: 'too_long' }],
  ['a numeric id', { ...played, id: 12 }, { index: 0, field: 'id', code: 'wrong_type' }],
  ['no mediaType', { ...played, mediaType: undefined }, { index: 0, field: 'mediaType', code: 'required' }],
  ['an unknown mediaType', { ...played, mediaType: 'FILM' }, { index: 0, field: 'mediaType', code: 'not_allowed' }],
  ['a lower-case mediaType', { ...played, mediaType: 'video' }, { index: 0, field: 'mediaType', code: 'not_allowed' }],
  ['no occurredTimestamp', { ...played, occurredTimestamp: undefined }, { index: 0, field: 'occurredTimestamp', code: 'required' }],
  ['a timestamp as a string', { ...played, occurredTimestamp: String(NOW) }, { index: 0, field: 'occurredTimestamp', code: 'wrong_type' }],
  ['a fractional timestamp', { ...played, occurredTimestamp: NOW + 0.5 }, { index: 0, field: 'occurredTimestamp', code: 'wrong_type' }],
  ['a timestamp in seconds', { ...played, occurredTimestamp: Math.floor(NOW / 1000) }, { index: 0, field: 'occurredTimestamp', code: 'too_old' }],
  ['a timestamp 4 days old', { ...played, occurredTimestamp: NOW - 4 * 24 * 3600_000 }, { index: 0, field: 'occurredTimestamp', code: 'too_old' }],
  ['a timestamp an hour ahead', { ...played, occurredTimestamp: NOW + 3600_000 }, { index: 0, field: 'occurredTimestamp', code: 'in_future' }],
  ['no sessionId', { ...played, sessionId: undefined }, { index: 0, field: 'sessionId', code: 'required' }],
  ['a null sessionId', { ...played, sessionId: null }, { index: 0, field: 'sessionId', code: 'empty' }],
  ['no state on media-played', { ...played, state: undefined }, { index: 0, field: 'state', code: 'required' }],
  ['an unknown state', { ...played, state: 'PAUSED' }, { index: 0, field: 'state', code: 'not_allowed' }],
  ['state on a quartile', { ...quartile, state: 'STARTED' }, { index: 0, field: 'state', code: 'unknown_field' }],
  ['no playedPercent', { ...quartile, playedPercent: undefined }, { index: 0, field: 'playedPercent', code: 'required' }],
  ['playedPercent 101', { ...quartile, playedPercent: 101 }, { index: 0, field: 'playedPercent', code: 'out_of_range' }],
  ['playedPercent -1', { ...quartile, playedPercent: -1 }, { index: 0, field: 'playedPercent', code: 'out_of_range' }],
  ['playedPercent 25.5', { ...quartile, playedPercent: 25.5 }, { index: 0, field: 'playedPercent', code: 'wrong_type' }],
  ['playedPercent "25"', { ...quartile, playedPercent: '25' }, { index: 0, field: 'playedPercent', code: 'wrong_type' }],
  ['contactId from a browser', { ...played, contactId: 901 }, { index: 0, field: 'contactId', code: 'contact_id_refused' }],
  ['an unknown field', { ...played, userId: 'u1' }, { index: 0, field: 'userId', code: 'unknown_field' }],
  ['an empty optional string', { ...played, pageName: '' }, { index: 0, field: 'pageName', code: 'empty' }],
  ['a null optional field', { ...played, mediaBridgeId: null }, { index: 0, field: 'mediaBridgeId', code: 'empty' }],
  ['an unknown externalPlayContext', { ...played, externalPlayContext: 'SOCIAL' }, { index: 0, field: 'externalPlayContext', code: 'not_allowed' }],
  ['a negative pageId', { ...played, pageId: -4 }, { index: 0, field: 'pageId', code: 'out_of_range' }],
  ['an unsafe mediaBridgeId', { ...played, mediaBridgeId: 2 ** 60 }, { index: 0, field: 'mediaBridgeId', code: 'wrong_type' }],
  ['a session id too long', { ...played, sessionId: 's'.repeat(129) }, { index: 0, field: 'sessionId', code: 'too_long' }],
  ['a contactUtk too long', { ...played, contactUtk: 'a'.repeat(513) }, { index: 0, field: 'contactUtk', code: 'too_long' }],
  ['iframeUrl on a quartile', { ...quartile, iframeUrl: 'https://x' }, { index: 0, field: 'iframeUrl', code: 'unknown_field' }],
  ['no rawDataMap', { ...attention, rawDataMap: undefined }, { index: 0, field: 'rawDataMap', code: 'required' }],
  ['rawDataMap as an array', { ...attention, rawDataMap: [2, 2, 1] }, { index: 0, field: 'rawDataMap', code: 'wrong_type' }],
  ['rawDataMap as a string', { ...attention, rawDataMap: '0=2' }, { index: 0, field: 'rawDataMap', code: 'wrong_type' }],
  ['a span key that is not an integer', { ...attention, rawDataMap: { a: 1 } }, { index: 0, field: 'rawDataMap.a', code: 'unknown_field' }],
  ['a span key with a leading zero', { ...attention, rawDataMap: { '01': 1 } }, { index: 0, field: 'rawDataMap.01', code: 'unknown_field' }],
  ['a negative span count', { ...attention, rawDataMap: { '3': -1 } }, { index: 0, field: 'rawDataMap.3', code: 'out_of_range' }],
  ['a fractional span count', { ...attention, rawDataMap: { '3': 1.5 } }, { index: 0, field: 'rawDataMap.3', code: 'out_of_range' }],
  ['too many spans', { ...attention, rawDataMap: Object.fromEntries(Array.from({ length: 4097 }, (_, i) => [String(i), 1])) }, { index: 0, field: 'rawDataMap', code: 'too_long' }],
  ['totalPercentPlayed 120', { ...attention, derivedValues: { totalPercentPlayed: 120 } }, { index: 0, field: 'derivedValues.totalPercentPlayed', code: 'out_of_range' }],
  ['totalSecondsPlayed -3', { ...attention, derivedValues: { totalSecondsPlayed: -3 } }, { index: 0, field: 'derivedValues.totalSecondsPlayed', code: 'out_of_range' }],
  ['an unknown derived value', { ...attention, derivedValues: { medianSecond: 3 } }, { index: 0, field: 'derivedValues.medianSecond', code: 'unknown_field' }],
  ['derivedValues as a number', { ...attention, derivedValues: 50 }, { index: 0, field: 'derivedValues', code: 'wrong_type' }],
  ['rawDataMap on a quartile', { ...quartile, rawDataMap: { '0': 1 } }, { index: 0, field: 'rawDataMap', code: 'unknown_field' }],
  ['an event that is an array', [played], { index: 0, field: '', code: 'not_object' }],
  ['an event that is null', null, { index: 0, field: '', code: 'not_object' }],
];

describe('validateBody', () => {
  it.each(good)('accepts %s', (_name, event) => {
    const clean = JSON.parse(JSON.stringify(event)) as unknown; // drop the undefined fields
    const result = validateBody({ events: [clean] }, NOW);
    expect(result).toEqual({ ok: true, events: [clean], shortened: 0 });
  });

  it('shortens over-long names and URLs to their caps instead of refusing the request', () => {
    const long = {
      ...played,
      pageUrl: `https://example.com/watch?${'utm_content=x&'.repeat(200)}`,
      pageName: 'A title '.repeat(100),
      mediaName: `${'m'.repeat(511)}😀tail`, // the cap falls inside the emoji's surrogate pair
      mediaUrl: `https://cdn.example.com/v.mp4?sig=${'s'.repeat(3000)}`,
      externalId: `https://cdn.example.com/v.mp4?sig=${'s'.repeat(3000)}`,
      iframeUrl: `https://player.example.com/?${'p'.repeat(3000)}`,
    };
    const result = validateBody({ events: [{ ...long }, quartile] }, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.shortened).toBe(6);
    const [e] = result.events as unknown as Record<string, string>[];
    expect(e.pageUrl).toBe(long.pageUrl.slice(0, 2048));
    expect(e.pageName).toHaveLength(512);
    expect(e.mediaName).toBe('m'.repeat(511)); // no half emoji left at the end
    expect([e.mediaUrl.length, e.externalId.length, e.iframeUrl.length]).toEqual([2048, 2048, 2048]);
    expect(result.events[1]).toEqual(quartile);
  });

  it.each(bad)('refuses %s', (_name, event, expected) => {
    const clean = event && typeof event === 'object' && !Array.isArray(event) ? JSON.parse(JSON.stringify(event)) : event;
    const result = validateBody({ events: [clean] }, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(expect.objectContaining(expected));
    for (const p of result.problems) expect(p.problem).toEqual(expect.any(String));
  });

  it('names each problem by event index and field, across events', () => {
    const result = validateBody({ events: [played, { ...quartile, playedPercent: 250 }, { ...played, mediaType: 'GIF', state: undefined }] }, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.index, p.field, p.code])).toEqual([
      [1, 'playedPercent', 'out_of_range'],
      [2, 'mediaType', 'not_allowed'],
      [2, 'state', 'required'],
    ]);
  });

  it.each([
    ['not an object', [], { index: null, field: 'body', code: 'not_object' }],
    ['null', null, { index: null, field: 'body', code: 'not_object' }],
    ['no events', {}, { index: null, field: 'events', code: 'required' }],
    ['events not an array', { events: {} }, { index: null, field: 'events', code: 'wrong_type' }],
    ['an empty events array', { events: [] }, { index: null, field: 'events', code: 'no_events' }],
    ['too many events', { events: Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => played) }, { index: null, field: 'events', code: 'too_many_events' }],
    ['a second top-level field', { events: [played], contactId: 5 }, { index: null, field: 'contactId', code: 'unknown_field' }],
  ])('refuses a body that is %s', (_name, body, expected) => {
    const result = validateBody(body, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual(expect.objectContaining(expected));
  });

  it('accepts exactly the maximum number of events', () => {
    expect(validateBody({ events: Array.from({ length: MAX_EVENTS_PER_REQUEST }, () => played) }, NOW).ok).toBe(true);
  });

  it('takes contactId when the operator allows it, and the time window from options', () => {
    expect(validateBody({ events: [{ ...played, contactId: 901 }] }, NOW, { allowContactId: true }).ok).toBe(true);
    const old = { ...played, occurredTimestamp: NOW - 2 * 3600_000 };
    expect(validateBody({ events: [old] }, NOW, { maxEventAgeMs: 3600_000 }).ok).toBe(false);
    const ahead = { ...played, occurredTimestamp: NOW + 30_000 };
    expect(validateBody({ events: [ahead] }, NOW, { maxClockSkewMs: 10_000 }).ok).toBe(false);
  });

  it('does not echo client values, and keeps echoed field names short and single-line', () => {
    const result = validateBody({ events: [{ ...played, mediaType: '<script>alert(1)</script>', ['evil\r\nkey'.repeat(20)]: 1 }] }, NOW);
    expect(JSON.stringify(result)).not.toContain('<script>');
    if (result.ok) throw new Error('expected problems');
    const unknown = result.problems.find((p) => p.code === 'unknown_field')!;
    expect(unknown.field).not.toMatch(/[\r\n]/);
    expect(unknown.field.length).toBeLessThanOrEqual(41);
  });

  it('lists at most 100 problems', () => {
    const events = Array.from({ length: 50 }, () => ({ ...played, mediaType: 'X', state: 'Y', extra: 1 }));
    const result = validateBody({ events }, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.length).toBe(100);
  });
});
