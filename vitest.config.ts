import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The longest files first, so that the two workers end together. Without a timing cache (a
 * fresh clone, as CI runs), vitest orders by file size, and the clean-copy install, a small
 * file that runs four minutes, started three minutes in.
 */
const LONGEST = ['test/readme/commands.test.ts', 'test/proxy/cluster.test.ts', 'test/tracker/playhead.property.test.ts', 'test/proxy/cluster-soak.test.ts'];

class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((path) => f.moduleId.endsWith(path));
      return i < 0 ? LONGEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// Unit tests (pure logic, milliseconds) and integration tests (real Node server,
// fake HubSpot) live under test/. Browser tests live under e2e/.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time, even on two cores (vitest's default there is one): the long files
    // mostly wait (a clean-copy install, Redis outages, rate windows), and the suite takes
    // about 5.5 minutes instead of 10.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
  },
});
