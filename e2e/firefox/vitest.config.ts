import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The main scenarios in Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi
// (Playwright's own Firefox cannot be downloaded here). One browser, one file at a time.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['e2e/firefox/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
