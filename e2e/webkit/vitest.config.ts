import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The scenarios that decide the numbers, in Debian's WebKitGTK MiniBrowser (the engine of
// Safari), driven by webdriverio over W3C WebDriver under an Xvfb and a PulseAudio of its own.
// One browser, one file at a time.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['e2e/webkit/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
