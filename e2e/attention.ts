/**
 * The Done-when viewing of the attention span, for the Chromium and the Firefox suites alike:
 * helpers only, no tests.
 */
import { whole } from '../src/tracker/recovery.js';
import type { Kept } from '../src/tracker/store.js';
import type { AttentionSpanEvent } from '../src/wire.js';

/** A Playwright or a puppeteer page: both evaluate a function with one argument. */
export interface Evaluates {
  // Each library types the function and its argument its own way; both take these.
  evaluate(fn: (arg: [number, number]) => Promise<void>, arg: [number, number]): Promise<unknown>;
}

/**
 * Plays the video from `from` to `to` s and pauses there: at 16x up to 4 s before `to`, at 2x
 * up to 1 s before, then at 1x, so that the pause lands within a few hundredths of a second
 * of `to`, and within half a second (the most that leaves the next span uncounted) even when
 * a loaded machine holds the page's script for a quarter of a second at any stage.
 */
export async function playRange(page: Evaluates, from: number, to: number) {
  await page.evaluate(
    async ([from, to]) => {
      const v = document.getElementById('v') as HTMLVideoElement;
      if (Math.abs(v.currentTime - from) > 0.01) {
        const seeked = new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
        v.currentTime = from;
        await seeked;
      }
      v.playbackRate = 16;
      await v.play();
      await new Promise<void>((resolve) => {
        const check = () => {
          if (v.currentTime >= to - 1) v.playbackRate = 1;
          else if (v.currentTime >= to - 4) v.playbackRate = 2;
          if (v.currentTime >= to) {
            v.pause();
            resolve();
          } else setTimeout(check, 1);
        };
        check();
      });
    },
    [from, to],
  );
}

/** The Done-when viewing: 0 to 30 s of the 60 s video, then 10 to 20 s again. */
export async function watchDoneWhen(page: Evaluates) {
  await playRange(page, 0, 30);
  await playRange(page, 10, 20);
}

/** Spans 0-9 and 20-29 once, 10-19 twice, and 30-59 never played: every span of the 60 s is named. */
export const DONE_WHEN_MAP = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [String(i), i >= 30 ? 0 : i >= 10 && i < 20 ? 2 : 1]));

/** A Playwright or a puppeteer page, reading a storage key. */
export interface ReadsStorage {
  evaluate(fn: (key: string) => string | undefined, key: string): Promise<unknown>;
}

/**
 * The attention span that a live session's record in storage stands for, as the page view
 * that takes it computes it (recovery.ts `whole`); undefined while there is no record, or no
 * span to say. Throws if the record holds a span of its own: a live session is kept as its
 * runs and duration, never as its span rebuilt every few seconds (issue 22).
 */
export function keptSpan(json: unknown): Pick<AttentionSpanEvent, 'rawDataMap' | 'derivedValues'> | undefined {
  if (typeof json != 'string') return;
  const kept = JSON.parse(json) as Kept;
  if ((kept.e as AttentionSpanEvent).rawDataMap) throw new Error(`a live session was kept with its span, not its runs: ${json}`);
  return whole(kept) ? (kept.e as AttentionSpanEvent) : undefined;
}

/**
 * Resolves once the page has written its live session's state as it stands after the
 * Done-when viewing (read every 100 ms, for 30 s at most).
 */
export async function keptUpToDate(page: ReadsStorage, sessionId: string) {
  const want = JSON.stringify(DONE_WHEN_MAP);
  for (const end = Date.now() + 30_000; ; ) {
    const json = await page.evaluate((key) => localStorage[key], `media-bridge:${sessionId}`);
    if (JSON.stringify(keptSpan(json)?.rawDataMap) == want) return;
    if (Date.now() > end) throw new Error(`the live session's record did not come to the Done-when viewing: ${json}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
