// The device panel's guidance, driven in Chromium against a real sshd on 127.0.0.1: before
// the host key is pinned, Probe and Profile are disabled and say why; a board with no
// runner gets install steps for its OS; Browse… picks the model; the memory chart shows its
// readings; the inspector's board dropdown shows names, not ids. Screenshots: e2e/screens/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { submitBoardForm } from './helpers/boards.ts';
import { boardOrtPath, startSshd, type SshServer } from '../test/devices/sshdHarness.ts';

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');
const START = {
  format: 'whittle.pipeline', version: 1, name: 'profile on a board',
  nodes: [
    { id: 'load', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
    { id: 'board', kind: 'profile', params: {}, position: { x: 320, y: 0 } },
  ],
  edges: [{ from: ['load', 'model'], to: ['board', 'model'] }],
};
let host: RunningHost;
let sshd: SshServer;
let ort: { path: string; cleanup(): void } | undefined;

test.beforeAll(async () => {
  sshd = await startSshd();
  ort = boardOrtPath(join(REPO_ROOT, 'node_modules'));
  host = await startHost({ withModel: true, startupDocument: START });
  mkdirSync(SCREENS, { recursive: true });
});
test.afterAll(async () => {
  await host?.stop();
  await sshd?.stop();
  ort?.cleanup();
});

/** Fill the form and save; the connection stops at the host-key review (not accepted here). */
function addBoard(page: Page, name: string, ortPath: string) {
  return submitBoardForm(page, { name, sshd, workspace: host.workspace, ortPath });
}

test('actions wait for a pinned key and say why, install help for a bare board, Browse…, readings chart, board names in the inspector', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await page.getByTestId('tab-devices').click();

  // A bare board (no onnxruntime-node folder): before its key is pinned nothing can run on it.
  await addBoard(page, 'bare-board', '');
  await expect(page.getByTestId('board-probe')).toBeDisabled();
  await expect(page.getByTestId('board-why-disabled')).toContainText('host key pinned first');
  await expect(page.getByTestId('profile-start')).toBeDisabled();
  await expect(page.getByTestId('profile-start')).toHaveText('Profile on no boards');
  await expect(page.getByTestId('profile-why-disabled')).toContainText('No board has a pinned host key yet');
  await page.getByTestId('devices-panel').screenshot({ path: join(SCREENS, 'devices-before-pin.png') });

  await page.getByTestId('hostkey-accept').click();
  await expect(page.getByTestId('board-status')).toContainText('Connected');
  await expect(page.getByTestId('board-why-disabled')).toHaveCount(0);
  await page.getByTestId('board-probe').click();
  const help = page.getByTestId('runner-help');
  await expect(help).toBeVisible({ timeout: 30_000 });
  await expect(help).toHaveAttribute('open', '');
  await expect(page.getByTestId('runner-help-node-ort')).toContainText('npm install onnxruntime-node');
  await expect(page.getByTestId('runner-help-node-ort')).toContainText('onnxruntime-node on the board');
  await page.getByTestId('board-details').screenshot({ path: join(SCREENS, 'devices-runner-help.png') });

  // A board with a runner: pinned, then profiled with a model picked through Browse….
  await addBoard(page, 'node-board', ort!.path);
  await page.getByTestId('hostkey-accept').click();
  await expect(page.getByTestId('board-status')).toContainText('Connected');
  await page.getByTestId('board-probe').click();
  await expect(page.getByTestId('runner-node-ort')).toContainText('onnxruntime-node');
  await page.getByTestId('profile-source-file').check();
  await expect(page.getByTestId('profile-why-disabled')).toContainText('.onnx file');
  await page.getByTestId('profile-path-browse').click();
  await page.getByTestId('file-entry-models').click();
  await page.getByTestId('file-entry-lenet5.onnx').click();
  await expect(page.getByTestId('profile-path')).toHaveValue(join(host.workspace, 'models', 'lenet5.onnx'));
  await expect(page.getByTestId('profile-why-disabled')).toHaveCount(0);
  await page.getByTestId('profile-runs').fill('3000');
  await expect(page.getByTestId('profile-start')).toHaveText('Profile on 1 board');
  await page.getByTestId('profile-start').click();
  await expect(page.locator('[data-testid="profile-job"][data-state="done"]')).toHaveCount(1, { timeout: 90_000 });
  const chart = page.getByTestId('time-chart');
  await expect(chart).toBeVisible();
  await expect(chart.locator('figcaption')).toContainText('reading');
  await expect(chart.locator('.recharts-line-dot').first()).toBeVisible();
  await chart.screenshot({ path: join(SCREENS, 'devices-memory-readings.png') });

  // The Profile node's board field lists names, the id only as a tooltip.
  await page.getByTestId('tab-editor').click();
  await page.getByTestId('node-board').click();
  const select = page.getByTestId('param-device');
  await expect(select.locator('option', { hasText: 'node-board' })).toHaveCount(1);
  const labels = await select.locator('option').allTextContents();
  expect(labels.some((l) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(l))).toBe(false);
  await select.selectOption({ label: 'node-board' });
  await expect(select).toHaveValue(/.+/);
  await page.getByTestId('inspector').screenshot({ path: join(SCREENS, 'devices-inspector-board-names.png') });
});
