/**
 * The attention span of a session: for each span of the media, how many times it was
 * played. It is read from the same runs as the quartiles (played-ranges.ts), so the two agree.
 *
 * - Spans are 1 s long, as in HubSpot's examples. A media over 1,000 s gets the fewest whole
 *   seconds a span that make at most 1,000 spans, which keeps the event under 16 KiB: each
 *   entry of `rawDataMap` takes at most 12 characters (`"999":99999,`), 12 KB for 1,000.
 * - Every span of the media is named, from 0 to the last (the last one cut at the duration),
 *   and a span never played is 0. HubSpot reads the map that way: its reference example of a
 *   10 s video names spans 0 to 9, and when `totalPercentPlayed` is missing it derives it as
 *   the spans played at least once over all spans, so a map without its zeros would read as
 *   all of the media watched.
 * - A span's count is the play it had, in spans' worth, rounded to the nearest: each time it
 *   was played through counts one, and the edges of a seek or a pause (less than half of a
 *   span) count nothing. Play split over several runs still adds up, so a span that was played
 *   whole, however often play was broken off and resumed in it, counts at least one.
 * - A session that played no span's worth of any span (half a span, at least) says nothing.
 * - The totals measure the union of the runs, as the quartiles do, rounded down to whole
 *   seconds and percents: `totalPercentPlayed` reaches a milestone exactly when it was reported.
 */
import type { AttentionSpanEvent } from '../wire.js';
import { playedPercent, playedSeconds, type Run } from './played-ranges.js';

/** Most spans a media is cut into. */
export const MAX_SPANS = 1000;

/** The event's own fields; undefined when there is nothing to say (a duration unknown or infinite, or no span played). */
export type AttentionSpan = Pick<AttentionSpanEvent, 'rawDataMap' | 'derivedValues'>;

export function attentionSpan(runs: Run[], duration: number): AttentionSpan | undefined {
  // Whole seconds a span. For a duration that cannot be cut (unknown, 0 or infinite) there
  // are no spans (NaN of them), and nothing to say.
  const size = Math.ceil(duration / MAX_SPANS);
  const spans = Math.ceil(duration / size);
  const rawDataMap: Record<string, number> = {};
  let counted = 0;
  for (let i = 0; i < spans; i++) {
    // The span is [start, end], the last one cut at the duration.
    const start = i * size;
    const end = Math.min(start + size, duration);
    let seconds = 0;
    // (Runs not destructured: a page runs this cold, in V8's interpreter, where taking an
    // array apart goes through the iterator protocol, twice as slow: issue 22.)
    for (const run of runs) seconds += Math.max(0, Math.min(run[1], end) - Math.max(run[0], start));
    counted |= rawDataMap[i] = Math.round(seconds / (end - start));
  }
  if (counted)
    return {
      rawDataMap,
      derivedValues: {
        totalPercentPlayed: playedPercent(runs, duration),
        totalSecondsPlayed: Math.floor(playedSeconds(runs, duration)),
      },
    };
}
