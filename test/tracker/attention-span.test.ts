/**
 * The span record: per-span play counts and totals, from the same runs as the quartiles,
 * driven through the playhead by a media stand-in the way a browser drives it.
 */
import { describe, expect, it } from 'vitest';
import { attentionSpan, MAX_SPANS } from '../../src/tracker/attention-span.js';
import type { Run } from '../../src/tracker/played-ranges.js';
import { standIn } from './media-stand-in.js';

/** `{ "i": count }` for spans `from` to `to` - 1. */
const spans = (from: number, to: number, count = 1) =>
  Object.fromEntries(Array.from({ length: to - from }, (_, i) => [String(from + i), count]));

/** Every span of a media of `n` spans, 0 unless `played` says otherwise. */
const map = (n: number, played: Record<string, number> = {}) => ({ ...spans(0, n, 0), ...played });

/** The runs of the session in progress, else of the last one that ended. */
const runsOf = (m: ReturnType<typeof standIn>) => (m.playhead._session() ?? m.ended[m.ended.length - 1])._runs;

/** Plays the stand-in from where it is to `to` at `rate`, in timeupdates, and pauses there. */
function playTo(m: ReturnType<typeof standIn>, to: number, rate = 1) {
  m.el.playbackRate = rate;
  m.play();
  m.run((to - m.el.currentTime) / rate);
  m.pause();
}

describe('attentionSpan', () => {
  it('counts 0-9 and 20-29 once and 10-19 twice for 0-30 s of 60, then 10-20 again (the Done-when viewing)', () => {
    const m = standIn(60);
    playTo(m, 30);
    m.seek(10);
    playTo(m, 20);
    const span = attentionSpan(m.playhead._session()!._runs, 60);
    expect(span).toEqual({
      rawDataMap: map(60, { ...spans(0, 30), ...spans(10, 20, 2) }),
      derivedValues: { totalPercentPlayed: 50, totalSecondsPlayed: 30 },
    });
  });

  it('counts each re-watch of a span once more', () => {
    const m = standIn(10);
    for (let i = 0; i < 3; i++) {
      m.seek(2);
      playTo(m, 4);
    }
    expect(attentionSpan(m.playhead._session()!._runs, 10)!.rawDataMap).toEqual(map(10, { 2: 3, 3: 3 }));
  });

  it('does not count a span played for less than half of it: the edges of a seek or a pause', () => {
    // Runs that stop and start a few hundredths of a second off the span boundaries.
    const runs: Run[] = [
      [0, 3.02],
      [4.51, 6],
      [6.6, 7.45],
    ];
    expect(attentionSpan(runs, 10)!.rawDataMap).toEqual(map(10, { 0: 1, 1: 1, 2: 1, 5: 1 }));
  });

  it('adds up the play a span had over several runs: a span played through is played, however often play broke off in it', () => {
    // Play that stops and resumes a little back, three times within span 3, as a visitor
    // nudging the slider does: no run covers half of it, all of them together do, once.
    const runs: Run[] = [
      [0, 3.3],
      [3.2, 3.6],
      [3.5, 10],
    ];
    expect(attentionSpan(runs, 10)!.rawDataMap).toEqual(spans(0, 10));
    // Half a span's play or more counts one, and a span played twice over counts two.
    expect(attentionSpan([[0, 1.5]], 2)!.rawDataMap).toEqual({ 0: 1, 1: 1 });
    expect(attentionSpan([[0, 1], [0, 1], [0, 0.4]], 1)!.rawDataMap).toEqual({ 0: 2 });
  });

  it('gives a seek forward nothing for what it skipped', () => {
    const m = standIn(20);
    playTo(m, 5);
    m.seek(15);
    playTo(m, 20);
    const span = attentionSpan(runsOf(m), 20)!;
    expect(span.rawDataMap).toEqual(map(20, { ...spans(0, 5), ...spans(15, 20) }));
    expect(span.derivedValues).toEqual({ totalPercentPlayed: 50, totalSecondsPlayed: 10 });
  });

  for (const rate of [2, 4, 8, 16])
    it(`counts every span played at ${rate}x, whose timeupdates come ${rate / 4} s of media apart`, () => {
      const m = standIn(64);
      playTo(m, 64, rate);
      expect(m.ended).toHaveLength(1);
      expect(attentionSpan(runsOf(m), 64)).toEqual({
        rawDataMap: spans(0, 64),
        derivedValues: { totalPercentPlayed: 100, totalSecondsPlayed: 64 },
      });
    });

  it('gives each wrap of a loop a session of its own, with its own spans', () => {
    const m = standIn(4);
    m.el.loop = true;
    m.play();
    m.run(6);
    expect(m.ended).toHaveLength(1);
    expect(attentionSpan(m.ended[0]._runs, 4)!.rawDataMap).toEqual(spans(0, 4));
    expect(attentionSpan(m.playhead._session()!._runs, 4)!.rawDataMap).toEqual(map(4, spans(0, 2)));
  });

  it('counts the last span, shorter than a second, by its own length', () => {
    expect(attentionSpan([[0, 4.3]], 4.3)!.rawDataMap).toEqual(spans(0, 5));
    expect(attentionSpan([[4.1, 4.3]], 4.3)!.rawDataMap).toEqual(map(5, { 4: 1 }));
    // A whole play of 6.008 s: the last span is 8 ms long, and played.
    expect(attentionSpan([[0, 6.008]], 6.008)!.rawDataMap).toEqual(spans(0, 7));
    expect(attentionSpan([[4.0, 4.1]], 4.3)).toBeUndefined();
  });

  it(`widens spans to whole seconds for media over ${MAX_SPANS} s, and stays under 16 KiB`, () => {
    const duration = 3 * 3600 + 7; // a three-hour webinar
    const size = Math.ceil(duration / MAX_SPANS);
    expect(size).toBe(11);
    // Every part watched many times over: the largest map there can be.
    const runs: Run[] = Array.from({ length: 500 }, () => [0, duration]);
    const span = attentionSpan(runs, duration)!;
    const keys = Object.keys(span.rawDataMap);
    expect(keys).toHaveLength(Math.ceil(duration / size));
    expect(keys.length).toBeLessThanOrEqual(MAX_SPANS);
    expect(span.rawDataMap[0]).toBe(500);
    // The whole event, with realistic context fields, as it goes on the wire.
    const event = {
      type: 'attention-span',
      id: 'attention-span:2b0e7d4c-9a8b-4c6d-8e1f-0a9b8c7d6e5f',
      sessionId: '2b0e7d4c-9a8b-4c6d-8e1f-0a9b8c7d6e5f',
      occurredTimestamp: 1764130000000,
      mediaType: 'VIDEO',
      externalId: 'webinar-2026-q3',
      mediaName: 'Q3 webinar',
      mediaUrl: 'https://example.com/media/webinar.mp4',
      contactUtk: '5b8f0c2d9e7a4b1c8d6e3f2a1b0c9d8e',
      externalPlayContext: 'EXTERNAL_PAGE',
      pageName: 'Watch the Q3 webinar',
      pageUrl: 'https://example.com/watch?utm_source=newsletter&utm_medium=email&utm_campaign=q3',
      ...span,
    };
    expect(new Blob([JSON.stringify(event)]).size).toBeLessThan(16 * 1024);
  });

  it('keeps one-second spans up to 1,000 s', () => {
    expect(Object.keys(attentionSpan([[0, 1000]], 1000)!.rawDataMap)).toHaveLength(1000);
    expect(Object.keys(attentionSpan([[0, 1001]], 1001)!.rawDataMap)).toHaveLength(501);
  });

  it("names every span, from 0 to the last, a span never played as 0 (HubSpot's reference example)", () => {
    // A 10 s video whose first 5 s were watched, and the first 2 s once more: HubSpot's API
    // reference gives 0=2;1=2;2=1;3=1;4=1;5=0;6=0;7=0;8=0;9=0;
    const span = attentionSpan([[0, 5], [0, 2]], 10)!;
    expect(span.rawDataMap).toEqual({ 0: 2, 1: 2, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0 });
    // Spans played at least once over all spans, as HubSpot derives the share: 50%, as sent.
    const counts = Object.values(span.rawDataMap);
    expect((100 * counts.filter((c) => c >= 1).length) / counts.length).toBe(span.derivedValues!.totalPercentPlayed);
    expect(Object.keys(attentionSpan([[10, 12]], 60)!.rawDataMap)).toEqual(Object.keys(spans(0, 60)));
  });

  it('says nothing when nothing was played, or the duration is unknown, 0 or infinite (a live stream)', () => {
    expect(attentionSpan([], 60)).toBeUndefined();
    expect(attentionSpan([[0, 0.4]], 60)).toBeUndefined();
    expect(attentionSpan([[0, 3]], 7200)).toBeUndefined(); // 3 s of a 2-hour webinar's 8 s spans
    expect(attentionSpan([[0, 30]], NaN)).toBeUndefined();
    expect(attentionSpan([[0, 30]], 0)).toBeUndefined();
    expect(attentionSpan([[0, 30]], Infinity)).toBeUndefined();
  });

  it('rounds its totals down, as the milestones are: 74.9% is not 75', () => {
    expect(attentionSpan([[0, 29.96]], 40)!.derivedValues).toEqual({ totalPercentPlayed: 74, totalSecondsPlayed: 29 });
  });
});
