import { describe, expect, it } from 'vitest';
import { wireEvent } from '../../src/tracker/payload.js';

describe('wireEvent', () => {
  it('builds an event with its id and the time, and leaves out empty fields', () => {
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
    expect(event.id).toBe('session-1-25');
  });

  it("derives each event's id from its session's: one id per kind and milestone, distinct within a session, the same when built again", () => {
    const ids = [
      wireEvent('media-played', 's1', { state: 'STARTED' }).id,
      ...[25, 50, 75, 100].map((playedPercent) => wireEvent('media-played-percent', 's1', { playedPercent }).id),
      wireEvent('attention-span', 's1', {}).id,
    ];
    expect(ids).toEqual(['s1-0', 's1-25', 's1-50', 's1-75', 's1-100', 's1']);
    expect(wireEvent('attention-span', 's1', { totalPercentPlayed: 40 } as never).id).toBe('s1');
    expect(wireEvent('media-played', 's2', { state: 'STARTED' }).id).not.toBe(ids[0]);
  });
});
