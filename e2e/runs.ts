/**
 * One test's run, for every engine's suite alike: its id tags the URLs of the test's pages
 * (`?run=`), so that a late beacon from an earlier test's page is never counted.
 */
import type { WireEvent } from '../src/wire.js';
import type { Beacon, FixtureServer } from './server.js';

export interface TestRun {
  /** Matches a URL of this run's pages. */
  tagged: RegExp;
  /** A beacon of this run: posted to a URL of its own, or from one of its pages. */
  mine(beacon: Beacon): boolean;
  /** This run's events as the server received them, once there are at least `n`. */
  events(n: number): Promise<WireEvent[]>;
  /** What the proxy stored of this run's pages, oldest first: each id once, however often it was sent. */
  stored(): Promise<WireEvent[]>;
}

export function testRun(server: FixtureServer, run: string): TestRun {
  const tagged = new RegExp(`[?&]run=${run}(&|#|$)`);
  const mine = (b: Beacon) => tagged.test(b.url) || tagged.test(b.referer || '');
  return {
    tagged,
    mine,
    events: (n) => server.waitForEvents(n, { filter: mine }),
    stored: async () =>
      (await server.proxy!.recent(10_000))
        .filter((e) => tagged.test(e.event.pageUrl || ''))
        .reverse()
        .map((e) => e.event),
  };
}
