// The device panel driven like a user against the browser host and a real sshd on
// 127.0.0.1: add a board, review and pin its host key, probe, profile LeNet-5 fp32 and
// int8 with the node runner, add a second board, and compare both ways (screenshot).
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { submitBoardForm } from './helpers/boards.ts';
import { boardOrtPath, startSshd, userProcesses, type SshServer } from '../test/devices/sshdHarness.ts';
import { writeInt8Copy } from '../test/devices/int8Fixture.ts';

const SHOTS = join(REPO_ROOT, '.tmp', 'screenshots');
let host: RunningHost;
let sshd: SshServer;

let sysfs: string;
let ort: { path: string; cleanup(): void } | undefined;

/** A fake sysfs with one Jetson in USB device mode (0955:7020); the host reads it instead of /sys. */
function fakeSysfs(): string {
  const root = mkdtempSync(join(tmpdir(), 'whittle-e2e-sysfs-'));
  const dev = join(root, 'devices', 'usb1', '1-1');
  mkdirSync(dev, { recursive: true });
  writeFileSync(join(dev, 'idVendor'), '0955\n');
  writeFileSync(join(dev, 'idProduct'), '7020\n');
  writeFileSync(join(dev, 'product'), 'Linux for Tegra\n');
  mkdirSync(join(root, 'bus', 'usb', 'devices'), { recursive: true });
  symlinkSync(dev, join(root, 'bus', 'usb', 'devices', '1-1'));
  return root;
}

test.beforeAll(async () => {
  sshd = await startSshd();
  ort = boardOrtPath(join(REPO_ROOT, 'node_modules'));
  sysfs = fakeSysfs();
  process.env.WHITTLE_SYSFS_ROOT = sysfs;
  process.env.WHITTLE_JETSON_USB_HOST = '127.0.0.2';
  host = await startHost({ withModel: true });
  writeInt8Copy(join(host.workspace, 'models', 'lenet5.onnx'), join(host.workspace, 'models', 'lenet5-int8.onnx'));
});
test.afterAll(async () => {
  await host?.stop();
  await sshd?.stop();
  ort?.cleanup();
  if (sysfs) rmSync(sysfs, { recursive: true, force: true });
});

async function addBoard(page: Page, name: string) {
  await submitBoardForm(page, { name, sshd, workspace: host.workspace, ortPath: ort!.path });
  // The first connection stops at the host key: the user compares and accepts it.
  await expect(page.getByTestId('hostkey-fingerprint')).toHaveText(sshd.hostFingerprint());
  await page.getByTestId('hostkey-accept').click();
  await expect(page.getByTestId('board-status')).toContainText('Connected');
  await page.getByTestId('board-probe').click();
  await expect(page.getByTestId('runner-node-ort')).toContainText('onnxruntime-node');
}

/** `check`: boards to tick now; `jobsExpected`: how many boards are ticked in all (ticks persist). */
async function profile(page: Page, modelPath: string, check: string[], jobsExpected: number) {
  await page.getByTestId('profile-source-file').check();
  await page.getByTestId('profile-path').fill(modelPath);
  for (const b of check) await page.getByTestId(`profile-board-${b}`).check();
  await page.getByTestId('profile-runs').fill('300');
  const before = await page.getByTestId('profile-job').count();
  await page.getByTestId('profile-start').click();
  const jobs = page.getByTestId('profile-job');
  await expect(jobs).toHaveCount(before + jobsExpected, { timeout: 30_000 });
  await expect(page.locator('[data-testid="profile-job"][data-state="done"]')).toHaveCount(before + jobsExpected, { timeout: 60_000 });
}

test('add a board, pin its key, probe, profile two models, compare on one board and across boards', async ({ page }) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await page.getByTestId('tab-devices').click();
  await expect(page.getByTestId('devices-panel')).toBeVisible();
  // The Jetson on (fake) USB is offered with the injected (loopback) link address; the form
  // is only prefilled and then cancelled.
  await expect(page.getByTestId('usb-offer')).toContainText('Linux for Tegra');
  await page.getByTestId('usb-offer').getByRole('button').click();
  await expect(page.getByTestId('device-host')).toHaveValue('127.0.0.2');
  await page.getByTestId('device-form').getByRole('button', { name: 'Cancel' }).click();

  await addBoard(page, 'bench-a');
  await expect(page.getByTestId('board-bench-a').getByTestId('board-state')).toHaveText('connected');
  await profile(page, 'models/lenet5.onnx', ['bench-a'], 1);
  await profile(page, 'models/lenet5-int8.onnx', [], 1);

  const compare = page.getByTestId('compare-view');
  await expect(compare.getByTestId('compare-row')).toHaveCount(2);
  await expect(compare.getByTestId('compare-table')).toContainText('lenet5.onnx');
  await expect(compare.getByTestId('compare-table')).toContainText('lenet5-int8.onnx');
  await expect(compare.getByTestId('latency-histogram').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(compare.getByTestId('time-chart')).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  await compare.screenshot({ path: join(SHOTS, 'devices-compare.png') });
  if (process.env.WHITTLE_UPDATE_DOCS) {
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    copyFileSync(join(SHOTS, 'devices-compare.png'), join(REPO_ROOT, 'docs', 'devices.png'));
  }

  // A second board: the same model on both, compared across boards.
  await addBoard(page, 'bench-b');
  // Selecting bench-b ticks it alone; tick bench-a too: one model on both boards.
  await profile(page, 'models/lenet5-int8.onnx', ['bench-a', 'bench-b'], 2);
  await page.getByTestId('compare-mode-boards').click();
  await page.getByTestId('compare-model').selectOption({ label: await page.getByTestId('compare-model').locator('option', { hasText: 'lenet5-int8.onnx' }).textContent() ?? '' });
  await expect(compare.getByTestId('compare-row')).toHaveCount(2);
  await expect(compare.getByTestId('compare-table')).toContainText('bench-a');
  await expect(compare.getByTestId('compare-table')).toContainText('bench-b');
  await compare.screenshot({ path: join(SHOTS, 'devices-compare-boards.png') });
  await page.getByTestId('devices-panel').screenshot({ path: join(SHOTS, 'devices-panel.png') });

  // A long profile, cancelled from its progress row: the runner on the board stops too.
  await page.getByTestId('profile-board-bench-b').uncheck();
  await page.getByTestId('profile-runs').fill('100000');
  const before = await page.getByTestId('profile-job').count();
  await page.getByTestId('profile-start').click();
  const job = page.getByTestId('profile-job').nth(before);
  await expect(job).toContainText(/Run \d+ of 100000/, { timeout: 30_000 });
  await job.getByTestId('profile-cancel').click();
  await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 15_000 });
  await expect.poll(() => userProcesses('ort-node-runner').length, { timeout: 10_000 }).toBe(0);
});
