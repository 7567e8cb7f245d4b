import { defineConfig } from 'vitest/config';

// Unit tests (pure logic, milliseconds) and integration tests (real Node server,
// fake HubSpot) live under test/. Browser tests live under e2e/.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
