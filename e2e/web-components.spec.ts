/**
 * Players built as web components (issue 25), hand-written, in real Chromium against both
 * builds (the scenarios of web-components.ts): media in open shadow roots are found,
 * whenever their player is defined or added, however deep; a player's inner video replaced
 * is a new session; a removed player ends its session; attributes on the player name its
 * media; a closed root is left alone.
 */
import { expect, test } from './fixtures.js';
import { SCENARIO_CASES, type Driver } from './web-components.js';

for (const { name, run } of SCENARIO_CASES)
  test(name, async ({ page, track }) => {
    const driver: Driver = {
      open: track.open,
      inPage: (fn, arg) => page.evaluate(fn as (arg: unknown) => unknown, arg) as Promise<never>,
      until: (what, ready) => expect.poll(ready, { message: what, timeout: 30_000 }).toBe(true),
      events: track.events,
      origin: track.server.url,
    };
    expect(await run(driver)).toEqual([]);
  });
