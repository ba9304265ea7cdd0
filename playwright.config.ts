// End-to-end tests drive the browser host in Debian's Chromium (Playwright cannot
// download its own browsers here). The Electron spec runs only where the binary exists.
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.WHITTLE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  outputDir: '.tmp/e2e-results',
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright-results.json' }]],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
