/**
 * The Done-when viewing of the attention span, for the Chromium and the Firefox suites alike:
 * helpers only, no tests.
 */
import type { Page } from '@playwright/test';

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

/** Resolves once the page has written its live session's state as it stands after the Done-when viewing. */
export async function keptUpToDate(page: Page, sessionId: string) {
  await page.waitForFunction(
    ([id, map]) => {
      try {
        return JSON.stringify(JSON.parse(localStorage[`media-bridge:${id}`]).e.rawDataMap) == map;
      } catch {
        return false;
      }
    },
    [sessionId, JSON.stringify(DONE_WHEN_MAP)],
  );
}

