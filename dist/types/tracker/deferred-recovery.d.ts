/**
 * Recovery (recovery.ts) kept out of the page's start: it reads and writes `localStorage`, a
 * synchronous trip to the browser's storage that would add milliseconds to the script's first
 * run. It runs once: after the page's `load`, when the browser is idle (within IDLE_DEADLINE
 * ms), or at the tracker's first media event if that comes sooner. A page left before it runs
 * has taken nothing, so what earlier page views stored waits for the next one.
 *
 * The same schedule loads the embeds build (embeds-loader.ts), which is why it is named for
 * when it runs rather than for recovery.
 */
/** The idle callback's deadline, in ms. */
export declare const IDLE_DEADLINE = 2000;
/** Schedules `run` after load, at idle; the function returned runs it now instead (once in all). */
export declare function afterLoad(run: () => void): () => void;
