// Browser tests run in Debian's Chromium (/usr/bin/chromium); Playwright
// never downloads a browser here. Each test file starts its own Parlor.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  // Two cores: one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    launchOptions: { executablePath: '/usr/bin/chromium' },
    trace: 'retain-on-failure',
  },
});
