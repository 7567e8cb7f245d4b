import { describe, expect, it } from 'vitest';
import { wireEvent } from '../../src/tracker/payload.js';

describe('wireEvent', () => {
  it('builds an event with a fresh id and the time, and leaves out empty fields', () => {
    const before = Date.now();
    const event = wireEvent('media-played-percent', 'session-1', {
      mediaType: 'VIDEO',
      playedPercent: 25,
      externalId: '',
      contactUtk: undefined,
      _hsenc: null as unknown as string,
      pageName: 'Q3 webinar',
    });
    expect(Object.keys(event)).toEqual(['type', 'id', 'occurredTimestamp', 'sessionId', 'mediaType', 'playedPercent', 'pageName']);
    expect(event).toMatchObject({ type: 'media-played-percent', sessionId: 'session-1', playedPercent: 25 });
    expect(event.occurredTimestamp).toBeGreaterThanOrEqual(before);
    expect(event.id).toMatch(/^[\w.-]{8,128}$/);
    expect(wireEvent('media-played', 's', {}).id).not.toBe(event.id);
  });
});
