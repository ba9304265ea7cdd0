// Refreshes the README's screenshots: starts the browser host on the bundled example,
// runs it in Chromium, and saves the editor and the compare view to docs/.
// Usage: npx vite build -c vite.renderer.config.ts && npx tsx scripts/readme-screenshots.ts
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Node itself (not npx) runs the host, so that kill() below stops the host and not only a wrapper.
const host = spawn(process.execPath, ['--import', 'tsx', 'src/main/host/index.ts', '--port', '0'], {
  cwd: root, env: { ...process.env, WHITTLE_HOME: mkdtempSync(join(tmpdir(), 'whittle-shots-')) },
});
const url = await new Promise<string>((res, rej) => {
  let out = '';
  host.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
    if (m) res(m[1]);
  });
  host.on('exit', (code) => rej(new Error(`the host exited (${code}) before printing its URL`)));
});
const browser = await chromium.launch({
  executablePath: process.env.WHITTLE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
  await page.goto(url);
  await page.getByRole('button', { name: /Run/ }).first().click();
  // Every node must end done (with or without warnings) or cached.
  await page.locator('[data-testid="node-export"][data-status="done"], [data-testid="node-export"][data-status="cached"]').waitFor({ timeout: 120_000 });
  // Nodes run in a pool and finish in any order: wait until none is still pending, queued or running.
  const busy = ['pending', 'queued', 'running'].map((s) => `[data-testid^="node-"][data-status="${s}"]`).join(', ');
  const deadline = Date.now() + 120_000;
  while (await page.locator(busy).count() > 0) {
    if (Date.now() > deadline) throw new Error('nodes were still running after 120 s');
    await page.waitForTimeout(250);
  }
  const unfinished = await page.locator('[data-testid^="node-"][data-status]:not([data-status="done"]):not([data-status="warning"]):not([data-status="cached"])').count();
  if (unfinished > 0) throw new Error(`${unfinished} node(s) did not finish`);
  await page.screenshot({ path: join(root, 'docs/editor.png') });
  // The runs view loads on first use (React.lazy): generous waits on a busy machine.
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('results-tab-compare').click({ timeout: 60_000 });
  await page.getByText('Top-1 against file size').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(root, 'docs/results.png') });
} finally {
  await browser.close();
  host.kill();
}
