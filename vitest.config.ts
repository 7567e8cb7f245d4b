import { defineConfig } from 'vitest/config';

// Unit tests (pure logic, milliseconds) and integration tests (real Node server,
// fake HubSpot) live under test/. Browser tests live under e2e/.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time, even on two cores (vitest's default there is one): the long files
    // mostly wait (a clean-copy install, Redis outages, rate windows), and the suite takes
    // 5.5 minutes instead of 10.
    maxWorkers: 2,
  },
});
