/**
 * The attention span of a session: for each span of the media, how many times it was
 * played. It is read from the same runs as the quartiles (played-ranges.ts), so the two agree.
 *
 * - Spans are 1 s long, as in HubSpot's examples. A media over 1,000 s gets the fewest whole
 *   seconds a span that make at most 1,000 spans, which keeps the event under 16 KiB: each
 *   entry of `rawDataMap` takes at most 12 characters (`"999":99999,`), 12 KB for 1,000.
 * - Each continuous run that covers more than half of a span is one play of it: a re-watch
 *   counts again, and the edges of a seek or a pause do not count a span the visitor did not
 *   watch. Spans never played are left out.
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
  // Whole seconds a span. For a duration that cannot be cut (unknown, 0 or infinite) the
  // first span's start is NaN, so no span is counted and there is nothing to say.
  const size = Math.ceil(duration / MAX_SPANS);
  const rawDataMap: Record<string, number> = {};
  let played;
  for (const [from, to] of runs)
    for (let i = Math.floor(from / size), start; (start = i * size) < to; i++)
      // The span is [start, start + size], its last one cut at the duration.
      if (2 * (Math.min(to, start + size, duration) - Math.max(from, start)) > Math.min(size, duration - start))
        played = rawDataMap[i] = (rawDataMap[i] || 0) + 1;
  if (played)
    return {
      rawDataMap,
      derivedValues: {
        totalPercentPlayed: playedPercent(runs, duration),
        totalSecondsPlayed: Math.floor(playedSeconds(runs, duration)),
      },
    };
}
