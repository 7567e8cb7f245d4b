import { defineConfig } from '@playwright/test';

// Debian's chromium: Playwright cannot download its own browsers on these machines.
// Another suite may share the machine's two cores, hence at most 2 workers and generous
// timeouts; every wait in the specs is on a condition, never a sleep.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 2,
  fullyParallel: true,
  timeout: 60_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
    },
  },
});
