// End-to-end tests drive the browser host in Chromium: WHITTLE_CHROMIUM, else Debian's
// /usr/bin/chromium, else Playwright's own download (`npx playwright install chromium`;
// `npm test` installs one of them, see scripts/test-prereqs.mjs). The Electron spec runs
// only where the Electron binary exists.
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.WHITTLE_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

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
