/**
 * Properties of the playhead (session.ts) and of what it builds on (played-ranges.ts,
 * milestones.ts, attention-span.ts), over generated plays of a media element modelled the
 * way a browser drives one (browser-model.ts): durations from 0.04 s to 10 h, whole, to the
 * millisecond, to the microsecond, and floats with no exact binary form; rates from 0.25x to
 * 16x; timeupdates 15 to 250 ms apart with jitter; readings handled late; pauses, seeks both
 * ways, loop wraps, replays, source changes.
 *
 * Each property runs MBT_RUNS plays (10,000 unless set), from a fixed seed. A failure prints
 * fast-check's seed, path and shrunk counter-example. To replay one:
 *
 *   MBT_SEED=<seed> MBT_PATH="<path>" npx vitest run test/tracker/playhead.property.test.ts
 *
 * and to keep it as a regression test, add `{ seed, path }` to the property's `replays`.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { attentionSpan } from '../../src/tracker/attention-span.js';
import { playedPercent, playedSeconds, union, type Run } from '../../src/tracker/played-ranges.js';
import { browserModel, seeded, truthSeconds, type BrowserModel, type SessionLog, type Source } from './browser-model.js';

const RUNS = Number(process.env.MBT_RUNS) || 10_000;
// 10,000 plays take seconds; on a machine busy with the other suites, several times that.
vi.setConfig({ testTimeout: 180_000 });
const SEED = Number(process.env.MBT_SEED) || 0x2026_1202;
const PATH = process.env.MBT_PATH;
const MILESTONES = [25, 50, 75, 100];

/** fast-check's options: every property from the same seed, or the one being replayed. */
const params = (replays: { seed: number; path: string }[] = []) =>
  PATH ? { seed: SEED, path: PATH, numRuns: RUNS, endOnFailure: true } : { seed: SEED, numRuns: RUNS, examples: [], replays };

/** Durations as sites have them: 0.04 s to 10 h. */
export const durations = fc.oneof(
  fc.integer({ min: 1, max: 36_000 }),
  fc.integer({ min: 40, max: 36_000_000 }).map((ms) => ms / 1e3),
  fc.integer({ min: 40_000, max: 36_000_000_000 }).map((us) => us / 1e6),
  fc.double({ min: 0.04, max: 36_000, noNaN: true, noDefaultInfinity: true }),
  // Short ones are most of a site's media, and where rounding bites hardest.
  fc.double({ min: 0.04, max: 30, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(6.008, 7.386, 5.533333, 4.370023, 3.830023, 0.04, 0.1, 10 / 3, 0.7, 59.94),
);
const rates = fc.oneof(fc.constantFrom(0.25, 0.5, 1, 1.25, 1.5, 1.75, 2, 4, 8, 16), fc.double({ min: 0.25, max: 16, noNaN: true }));
/** How the page hears the element: a cadence of 15 to 250 ms, its jitter, the share of readings handled late. */
const hearing = fc.record({
  cadence: fc.integer({ min: 15, max: 250 }),
  jitter: fc.integer({ min: 0, max: 120 }),
  lateness: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  seed: fc.integer(),
});

// Floating-point slack when comparing seconds from two records of the same play.
const eps = (duration: number) => 1e-9 * Math.max(1, duration);

/** Whether `map`'s keys are "0" to `n` - 1, in order (one check: expect() per key is slow over 10,000 plays). */
const namesSpans = (map: Record<string, number>, n: number) => {
  const keys = Object.keys(map);
  return keys.length == n && keys.every((k, i) => k == String(i));
};

/** Whether every interval of `inner` lies within `outer` (both unions). */
function within(inner: Run[], outer: Run[], slack: number): boolean {
  return inner.every(([a, b]) => outer.some(([c, d]) => a >= c - slack && b <= d + slack));
}

/** The checks every session of every play must pass. */
function checkSession(log: SessionLog, milestones = MILESTONES) {
  const { cycle, session } = log;
  const duration = cycle.source.duration;
  const runs = log.ended?.runs ?? session._runs;
  const credited = union(runs, duration);
  const truth = union(cycle.truth, duration);
  // No play is credited that did not happen: a seek earns nothing.
  expect(within(credited, truth, eps(duration)), 'credited within what was played').toBe(true);
  // Every event of a session carries the context it began with: its own source's.
  expect(log.mediaChanged, 'media changed mid-session').toBe(0);
  expect(log.media).toEqual({ mediaUrl: cycle.source.src, mediaName: cycle.source.name });
  if (log.ended) expect(log.ended.duration, "the session's own duration").toBe(duration);
  // Each milestone once, in order, never before its share was played.
  const reported = log.milestones.map((m) => m.percent);
  expect(reported).toEqual([...new Set(reported)].sort((a, b) => a - b));
  for (const m of log.milestones) expect(m.truthSeconds * 100, `truth at ${m.percent}%`).toBeGreaterThanOrEqual(m.percent * duration - 100 * eps(duration));
  if (!log.ended) return;
  // The attention span's totals are the milestones' view of the same runs.
  const percent = playedPercent(runs, duration);
  expect(reported).toEqual(milestones.filter((m) => m <= percent));
  const span = attentionSpan(runs, duration);
  if (span) {
    expect(span.derivedValues).toEqual({ totalPercentPlayed: percent, totalSecondsPlayed: Math.floor(playedSeconds(runs, duration)) });
    // The map names every span, 0 to the last, and stays small.
    const size = Math.ceil(duration / 1000);
    expect(namesSpans(span.rawDataMap, Math.ceil(duration / size)), 'names every span').toBe(true);
    expect(Object.values(span.rawDataMap).every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    expect(JSON.stringify(span).length).toBeLessThan(12 * 1024);
  }
  // Nothing lost: in a session whose element had played nothing of its source before it (a
  // first viewing), the credited share is what was played.
  // (Play after the last reading of a source that a new source replaced shows in no reading.)
  if (cycle.fresh) expect(truthSeconds(cycle.truth, duration) - playedSeconds(runs, duration)).toBeLessThanOrEqual(eps(duration) * 10 + cycle.unseen);
}

/** Plays on to position `to` (or the end), in readings at the cadence, or long stretches for long media. */
function playTo(m: BrowserModel, to: number, h: { cadence: number; jitter: number; lateness: number }, budget = 40) {
  const cycles = m.cycles.length;
  for (let n = 0; !m.paused && !m.ended && m.position < to && m.cycles.length == cycles; n++) {
    const left = ((to - m.position) / m.el.playbackRate) * 1000;
    if (left / budget > 250) m.tick(left / budget + 1);
    else m.run(Math.min(left + 1, h.cadence * 4), h.cadence, h.jitter, h.lateness);
    if (n > budget * 50) throw new Error('playTo did not get there');
  }
}

const source = (i: number, duration: number): Source => ({ src: `https://example.com/media/clip-${i}.webm`, name: `Clip ${i}`, duration });

describe('a whole play', () => {
  // What may happen on the way through, at a share of the media: none of it skips any.
  const interruption = fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    what: fc.constantFrom('pause', 'rate', 'seek back', 'long gap', 'late seek back'),
    rate: rates,
    back: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('reaches every milestone exactly once, in order, and its attention span says 100 with every span played', () => {
    fc.assert(
      fc.property(
        durations,
        rates,
        hearing,
        fc.array(interruption, { maxLength: 6 }),
        fc.record({
          shortEnd: fc.boolean(),
          unchosen: fc.boolean(),
          latePlaying: fc.boolean(),
          rateFirst: fc.boolean(),
          beforePlaying: fc.constantFrom(undefined, 'ratechange' as const, 'timeupdate' as const),
        }),
        (duration, rate, h, stops, variant) => {
          const m = browserModel({ sources: [source(1, duration)], random: seeded(h.seed), ...variant });
          // The page may set its rate before the tracker looks, or after.
          if (variant.rateFirst) m.setRate(rate, true);
          m.attach();
          m.setRate(rate);
          m.play();
          for (const stop of [...stops].sort((a, b) => a.at - b.at)) {
            playTo(m, stop.at * duration, h);
            if (m.ended) break;
            if (stop.what == 'pause') {
              m.pause();
              m.tick(5_000);
              m.play();
            } else if (stop.what == 'rate') m.setRate(stop.rate);
            else if (stop.what == 'long gap') m.tick(60_000 * stop.back);
            else m.seek(m.position * stop.back, stop.what == 'late seek back' ? 250 * stop.back : 0);
          }
          if (!m.ended) m.toEnd(h.cadence, h.jitter, h.lateness);
          m.close();
          expect(m.logs).toHaveLength(1);
          const [log] = m.logs;
          checkSession(log);
          expect(log.milestones.map((x) => x.percent)).toEqual(MILESTONES);
          const span = attentionSpan(log.ended!.runs, duration)!;
          expect(span.derivedValues!.totalPercentPlayed).toBe(100);
          expect(Object.values(span.rawDataMap).every((c) => c >= 1), 'every span played').toBe(true);
        },
      ),
      params(),
    );
  });

  it('of a looping media completes each time round, wrapped the way Chromium or Firefox wraps', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 600, noNaN: true }), rates, hearing, fc.boolean(), fc.integer({ min: 1, max: 3 }), (duration, rate, h, firefoxWrap, rounds) => {
        const m = browserModel({ sources: [source(1, duration)], random: seeded(h.seed), loop: true, firefoxWrap });
        m.attach();
        m.setRate(rate);
        m.play();
        for (let i = 0; i < rounds; i++) m.toEnd(h.cadence, h.jitter, h.lateness);
        m.close();
        // One session each time round, each a whole play but the last, cut by the close.
        expect(m.logs.length).toBe(rounds + 1);
        for (const log of m.logs) checkSession(log);
        for (const log of m.logs.slice(0, rounds)) expect(log.milestones.map((x) => x.percent)).toEqual(MILESTONES);
      }),
      params(),
    );
  });
});

describe('any play', () => {
  const action = fc.oneof(
    { weight: 4, arbitrary: fc.record({ do: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 4_000 }) }) },
    { weight: 1, arbitrary: fc.record({ do: fc.constant('gap' as const), ms: fc.integer({ min: 300, max: 600_000 }) }) },
    { weight: 2, arbitrary: fc.record({ do: fc.constant('pause' as const) }) },
    { weight: 3, arbitrary: fc.record({ do: fc.constant('play' as const) }) },
    { weight: 3, arbitrary: fc.record({ do: fc.constant('seek' as const), to: fc.double({ min: 0, max: 1, noNaN: true }), late: fc.integer({ min: 0, max: 250 }) }) },
    { weight: 1, arbitrary: fc.record({ do: fc.constant('rate' as const), rate: rates }) },
    { weight: 1, arbitrary: fc.record({ do: fc.constant('load' as const), source: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ do: fc.constant('end' as const) }) },
  );
  type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

  function perform(m: BrowserModel, a: Action, sources: Source[], h: { cadence: number; jitter: number; lateness: number }) {
    if (a.do == 'run') m.run(a.ms, h.cadence, h.jitter, h.lateness);
    else if (a.do == 'gap') m.tick(a.ms);
    else if (a.do == 'pause') m.pause();
    else if (a.do == 'play') m.play();
    else if (a.do == 'seek') {
      // In a looping media, a seek back to its start from near its end, within the clock's
      // reach of the end since the last reading, is what a wrap looks like: the playhead
      // takes it for one (session.ts). Real pages do not do that; the model does not either.
      const d = m.source.duration;
      const reach = (0.35 + a.late / 1000) * m.el.playbackRate + 0.1;
      if (!m.el.loop || (d > 1 && m.position < d - reach - 0.5)) m.seek(a.to * d, a.late);
    }
    else if (a.do == 'rate') m.setRate(a.rate);
    else if (a.do == 'load') m.load(sources[a.source]);
    else m.toEnd(h.cadence, h.jitter, h.lateness);
  }

  it('credits only what was played, reports each milestone once and never early, and its totals agree with its milestones', () => {
    fc.assert(
      fc.property(
        fc.array(durations, { minLength: 3, maxLength: 3 }),
        hearing,
        fc.array(action, { maxLength: 30 }),
        fc.record({ loop: fc.boolean(), firefoxWrap: fc.boolean(), lateSrc: fc.boolean(), shortEnd: fc.boolean(), unchosen: fc.boolean(), latePlaying: fc.boolean() }),
        (lengths, h, actions, variant) => {
          const sources = lengths.map((d, i) => source(i + 1, d));
          const m = browserModel({ sources, random: seeded(h.seed), ...variant });
          m.attach();
          for (const a of actions) perform(m, a, sources, h);
          m.close();
          for (const log of m.logs) checkSession(log);
        },
      ),
      params(),
    );
  });

  it('earns nothing for a seek forward: the part skipped is never credited', () => {
    fc.assert(
      fc.property(durations, rates, hearing, fc.double({ min: 0, max: 0.9, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), (duration, rate, h, from, skip) => {
        const m = browserModel({ sources: [source(1, duration)], random: seeded(h.seed) });
        m.attach();
        m.setRate(rate);
        m.play();
        playTo(m, from * duration, h);
        if (m.ended) return;
        const stoppedAt = m.position;
        const target = Math.min(duration * 0.999, stoppedAt + skip * (duration - stoppedAt));
        if (target <= stoppedAt) return; // too near the end to skip anything
        m.seek(target);
        m.toEnd(h.cadence, h.jitter, h.lateness);
        m.close();
        const [log] = m.logs;
        checkSession(log);
        const credited = union(log.ended!.runs, duration);
        // Nothing inside the part skipped.
        expect(credited.every(([a, b]) => b <= stoppedAt + eps(duration) || a >= target - eps(duration))).toBe(true);
        if (target - stoppedAt > duration / 100) expect(log.milestones.map((x) => x.percent)).not.toContain(100);
      }),
      params(),
    );
  });

  it('files every event of a playlist under its own session\'s media, attention span included', () => {
    fc.assert(
      fc.property(
        fc.array(durations, { minLength: 2, maxLength: 4 }),
        hearing,
        fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.record({ lateSrc: fc.boolean(), latePlaying: fc.boolean() }),
        (lengths, h, cuts, variant) => {
          const sources = lengths.map((d, i) => source(i + 1, d));
          const m = browserModel({ sources, random: seeded(h.seed), ...variant });
          m.attach();
          cuts.forEach((cut, i) => {
            m.play();
            playTo(m, cut * m.source.duration, h);
            m.load(sources[(i + 1) % sources.length]);
          });
          m.play();
          m.close();
          const played = m.logs.filter((log) => log.ended);
          expect(played.length).toBe(m.logs.length);
          for (const log of m.logs) checkSession(log);
        },
      ),
      params(),
    );
  });
});

describe('the pure parts', () => {
  const runs = (duration: number, maxLength = 40) =>
    fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]) => [Math.min(a, b) * duration, Math.max(a, b) * duration] as Run),
      { maxLength },
    );

  it('playedPercent is the largest whole percent p with played * 100 >= p * duration, and a whole play is 100', () => {
    fc.assert(
      fc.property(
        durations.chain((d) => fc.tuple(fc.constant(d), runs(d))),
        ([duration, played]) => {
          const p = playedPercent(played, duration);
          const seconds = playedSeconds(played, duration);
          expect(Number.isInteger(p) && p >= 0 && p <= 100).toBe(true);
          expect(seconds * 100 >= p * duration).toBe(true);
          if (p < 100) expect(seconds * 100 >= (p + 1) * duration).toBe(false);
          expect(playedPercent([[0, duration]], duration)).toBe(100);
          expect(playedPercent([...played, [0, duration]], duration)).toBe(100);
        },
      ),
      params(),
    );
  });

  it('union is sorted, disjoint, within [0, end], and covers exactly the points the runs cover', () => {
    fc.assert(
      fc.property(
        durations.chain((d) => fc.tuple(fc.constant(d), runs(d * 1.2), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }))),
        ([end, played, probes]) => {
          const u = union(played, end);
          for (let i = 0; i < u.length; i++) {
            expect(u[i][0]).toBeLessThan(u[i][1]);
            expect(u[i][1]).toBeLessThanOrEqual(end);
            if (i) expect(u[i][0]).toBeGreaterThan(u[i - 1][1]);
          }
          for (const x of probes.map((p) => p * end)) {
            const inRuns = played.some(([a, b]) => x > a && x < Math.min(b, end));
            const inUnion = u.some(([a, b]) => x > a && x < b);
            if (inRuns) expect(inUnion).toBe(true);
            if (!u.some(([a, b]) => x >= a && x <= b)) expect(inRuns).toBe(false);
          }
        },
      ),
      params(),
    );
  });

  it('attentionSpan names every span, counts each played-through run once, and stays under 16 KiB', () => {
    fc.assert(
      fc.property(
        durations.chain((d) => fc.tuple(fc.constant(d), runs(d, 12), fc.integer({ min: 0, max: 12 }))),
        ([duration, played, whole]) => {
          // `whole` runs over all of the media, as many re-watches.
          const all: Run[] = [...played, ...Array.from({ length: whole }, () => [0, duration] as Run)];
          const span = attentionSpan(all, duration);
          const size = Math.ceil(duration / 1000);
          const spans = Math.ceil(duration / size);
          if (!span) {
            expect(whole).toBe(0);
            return;
          }
          expect(namesSpans(span.rawDataMap, spans), 'names every span').toBe(true);
          expect(Object.values(span.rawDataMap).every((c) => c >= whole), 'each run over all of it counts').toBe(true);
          const event = { type: 'attention-span', id: 'x'.repeat(36), sessionId: 'x'.repeat(36), occurredTimestamp: 1e12, mediaType: 'VIDEO', mediaUrl: 'https://example.com/' + 'm'.repeat(200), pageUrl: 'https://example.com/' + 'p'.repeat(300), ...span };
          expect(new TextEncoder().encode(JSON.stringify(event)).length).toBeLessThan(16 * 1024);
        },
      ),
      params(),
    );
  });
});
