// Results like W&B (issue 15), driven in Chromium against the browser host: the node table
// in words and units; the compare table with a baseline (default the unmodified model, then
// another) and deltas; agreement filled without a Reference wire, and "—" with a reason
// where there is none; charts with named points, a named Pareto front in a legend and
// fitted axes; CSV, PNG and SVG exports; rename, tag, note; a second run compared with the
// first; delete; and the last run restored when the document is opened again. Then Profile
// nodes on a loopback board (a real sshd) feed the board latency column and the Devices view.
import { test, expect, type Download, type Page } from '@playwright/test';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts } from './helpers/canvas.ts';
import { edge, node } from './helpers/pipeline.ts';
import { boardOrtPath, startSshd, TEST_USER, type SshServer } from '../test/devices/sshdHarness.ts';
import { DeviceRegistry } from '../src/main/store/devices.ts';
import { NO_KEYCHAIN } from '../src/main/store/secrets.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1000 } });

const SHOTS = join(REPO_ROOT, 'e2e', 'screens');


const PIPELINE = {
  format: 'whittle.pipeline',
  version: 1,
  name: 'LeNet-5 results',
  nodes: [
    node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0),
    node('d', 'dataset.mnist', { split: 'test', limit: 512 }, 0, 300),
    node('c', 'dataset.mnist', { split: 'train', limit: 128 }, 0, 520),
    node('p', 'prune', { sparsity: 0.5 }, 320, 0),
    node('q', 'quantize', { mode: 'static' }, 640, 0),
    node('em', 'evaluate', {}, 320, 300),
    node('ep', 'evaluate', {}, 640, 300),
    node('eq', 'evaluate', {}, 960, 300),
    node('bm', 'benchmark', { runs: 50 }, 320, 520),
    node('bq', 'benchmark', { runs: 50 }, 960, 0),
  ],
  edges: [
    edge('m', 'model', 'p', 'model'), edge('p', 'model', 'q', 'model'), edge('c', 'dataset', 'q', 'calibration'),
    edge('m', 'model', 'em', 'model'), edge('d', 'dataset', 'em', 'dataset'),
    edge('p', 'model', 'ep', 'model'), edge('d', 'dataset', 'ep', 'dataset'),
    edge('q', 'model', 'eq', 'model'), edge('d', 'dataset', 'eq', 'dataset'),
    edge('m', 'model', 'bm', 'model'), edge('q', 'model', 'bq', 'model'),
  ],
};

let host: RunningHost;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost({ startupDocument: PIPELINE, withModel: true });
});
test.afterAll(async () => {
  await host?.stop();
});

async function runAndWait(page: Page): Promise<void> {
  await page.getByTestId('btn-run').click();
  for (const id of ['eq', 'ep', 'em', 'bq', 'bm']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', /done|warning|cached/, { timeout: 180_000 });
  await dismissToasts(page);
}

async function saved(download: Promise<Download>): Promise<{ name: string; bytes: Buffer }> {
  const d = await download;
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

test('formatted results, baseline and deltas, charts, exports, run history', async ({ page }) => {
  test.setTimeout(420_000);
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await expect(page.getByTestId('node-eq')).toBeVisible();
  await runAndWait(page);

  // 1. The node table: metrics in words with units, no camelCase keys.
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-title')).toHaveText('LeNet-5 results');
  const em = page.getByTestId('node-result-em');
  await expect(em.locator('[data-metric="top1"]')).toContainText(/Top-1 \d{2}\.\d{2} %/);
  await expect(page.getByTestId('node-result-bm').locator('[data-metric="p50Ms"]')).toContainText(/Latency p50 \d+\.\d+ ms/);
  await expect(page.getByTestId('node-result-m').locator('[data-metric="sizeBytes"]')).toContainText('242.6 KB');
  const nodeText = await page.getByTestId('node-results').innerText();
  // (The context of a hit shows where a raw key slipped through.)
  expect([...nodeText.matchAll(/.{0,40}\b(top1|p50Ms|sizeBytes|samplesPerSec|evalMs)\b.{0,40}/g)].map((m) => m[0])).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'results-nodes.png') });

  // 2. The compare table: the unmodified model is the baseline; deltas under the values.
  await page.getByTestId('results-tab-compare').click();
  const table = page.getByTestId('compare-table');
  await expect(table.getByTestId('compare-row-m').getByTestId('baseline-pill')).toBeVisible();
  const qRow = table.getByTestId('compare-row-q');
  await expect(qRow.locator('[data-col="size"]')).toContainText(/KB/);
  await expect(qRow.getByTestId('delta-size')).toHaveText(/^\d+(\.\d)?× smaller$/);
  await expect(qRow.getByTestId('delta-top1')).toHaveText(/^([+−]\d+\.\d|±0\.0) pt$/);
  await expect(qRow.getByTestId('compare-top1')).toContainText(/\d{2}\.\d{2} %/);
  await expect(qRow.getByTestId('compare-host-latency')).toContainText(/ms/);
  await expect(qRow.getByTestId('delta-hostLatency')).toHaveText(/× (faster|slower)|same speed/);
  await expect(qRow.getByTestId('delta-macs')).toBeVisible({ timeout: 30_000 });
  // 3. Agreement without a Reference wire: against the unmodified model, and it says so.
  const pAgreement = table.getByTestId('compare-row-p').getByTestId('compare-agreement');
  await expect(pAgreement).toContainText(/\d+\.\d{2} %/);
  await expect(pAgreement).toHaveAttribute('title', /unmodified model/);
  await expect(table.getByTestId('compare-row-q').getByTestId('compare-sqnr')).toContainText(/dB/);
  const mAgreement = table.getByTestId('compare-row-m').getByTestId('compare-agreement');
  await expect(mAgreement).toHaveText('—');
  await expect(mAgreement).toHaveAttribute('title', /reference/);
  // Any other empty cell says what would fill it.
  await expect(table.getByTestId('compare-row-p').getByTestId('compare-host-latency')).toHaveAttribute('title', /No Host latency node/);
  const headers = await table.locator('thead th').allInnerTexts();
  for (const h of headers) expect(h).not.toMatch(/[a-z][A-Z]/);
  await page.getByTestId('compare-view').screenshot({ path: join(SHOTS, 'results-compare.png') });

  // 4. Charts: every point named on the chart, a named front in a legend, a fitted y axis.
  const sizeChart = page.getByTestId('scatter-size');
  await expect(sizeChart.locator('[data-point-label]')).toHaveCount(3);
  await expect(sizeChart.getByTestId('chart-legend')).toContainText('Pareto front');
  const [lo, hi] = (await sizeChart.getAttribute('data-y-domain'))!.split(',').map(Number);
  expect(hi - lo).toBeLessThan(0.2);
  expect(lo).toBeGreaterThan(0.5);
  await expect(page.getByTestId('scatter-latency').locator('[data-point-label]')).toHaveCount(2);
  await page.getByTestId('scatter-size').screenshot({ path: join(SHOTS, 'results-chart-size.png') });

  // Another baseline: the deltas turn around.
  await page.getByTestId('baseline-select').selectOption({ label: await page.getByTestId('baseline-select').locator('option').nth(2).innerText() });
  await expect(table.getByTestId('compare-row-q').getByTestId('baseline-pill')).toBeVisible();
  await expect(table.getByTestId('compare-row-m').getByTestId('delta-size')).toHaveText(/× larger$/);

  // 5. Exports: CSV with units in the header, the chart as PNG and SVG.
  const csv = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]).then(([d]) => d));
  expect(csv.name).toBe('lenet-5-results-models.csv');
  const csvText = csv.bytes.toString('utf8');
  expect(csvText.split('\r\n')[0]).toContain('Top-1 (%),Top-1 vs baseline');
  expect(csvText).toMatch(/,yes,/);
  const png = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('scatter-size-png').click()]).then(([d]) => d));
  expect(png.name).toMatch(/\.png$/);
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  const svg = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('scatter-size-svg').click()]).then(([d]) => d));
  expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg.bytes.toString('utf8')).toContain('Pareto front');
  writeFileSync(join(SHOTS, 'results-chart-export.png'), png.bytes);

  // 6. Rename, tag and note the run: kept in the history.
  const firstRun = (await page.getByTestId('run-detail').getAttribute('data-run-id'))!;
  await page.getByTestId('run-rename').click();
  await page.getByTestId('run-name-input').fill('LeNet-5, 50% sparse');
  await page.getByTestId('run-name-input').press('Enter');
  await expect(page.getByTestId('run-title')).toHaveText('LeNet-5, 50% sparse');
  await page.getByTestId('run-tag-input').fill('int8');
  await page.getByTestId('run-tag-input').press('Enter');
  await expect(page.getByTestId('run-tag-int8')).toBeVisible();
  await page.getByTestId('run-note').fill('Static int8 after magnitude pruning');
  await page.getByTestId('run-title').click();
  await expect(page.getByTestId(`run-item-${firstRun}`)).toContainText('LeNet-5, 50% sparse');
  await expect(page.getByTestId(`run-item-${firstRun}`)).toContainText('int8');
  await expect(page.getByTestId(`run-item-${firstRun}`)).toContainText('Static int8 after magnitude pruning');

  // 7. A second run with another sparsity, saved; then both runs compared.
  await page.getByTestId('tab-editor').click();
  await page.getByTestId('node-p').click();
  await page.getByTestId('param-sparsity').fill('0.75');
  await page.getByTestId('param-sparsity').press('Enter');
  await page.getByTestId('btn-save').click();
  await runAndWait(page);
  await page.getByTestId('tab-runs').click();
  // The editor's nodes still show the first run until the second starts: wait for its record.
  await expect(page.getByTestId('run-detail')).not.toHaveAttribute('data-run-id', firstRun, { timeout: 30_000 });
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const secondRun = (await page.getByTestId('run-detail').getAttribute('data-run-id'))!;
  await page.getByTestId(`run-pick-${firstRun}`).check();
  await page.getByTestId(`run-pick-${secondRun}`).check();
  await page.getByTestId('compare-runs').click();
  const multi = page.getByTestId('multi-run-compare');
  await expect(multi.getByTestId('compare-table').locator('tbody tr')).toHaveCount(6);
  await expect(multi.getByTestId('compare-table')).toContainText('LeNet-5, 50% sparse');
  await expect(multi.getByTestId('scatter-size').locator('[data-point-label]')).toHaveCount(6);
  await page.screenshot({ path: join(SHOTS, 'results-compare-runs.png'), fullPage: false });

  // 8. Delete the first run: gone from the list.
  await page.getByTestId('multi-compare-close').click();
  await page.getByTestId(`run-item-${firstRun}`).click();
  await page.getByTestId('run-delete').click();
  await expect(page.getByTestId(`run-item-${firstRun}`)).toHaveCount(0);
  await expect(page.getByTestId(`run-item-${secondRun}`)).toBeVisible();

  // 9. Reopen the document: its last run's results are back on the nodes and in the Runs tab.
  await page.reload();
  await expect(page.getByTestId('node-eq')).toHaveAttribute('data-status', /done|warning|cached/, { timeout: 30_000 });
  await expect(page.getByTestId('node-eq')).not.toHaveAttribute('data-outdated', 'true');
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', secondRun);
  await page.getByTestId('tab-editor').click();
  await page.screenshot({ path: join(SHOTS, 'results-restored-editor.png') });
});

test.describe('board columns', () => {
  let boardHost: RunningHost;
  let sshd: SshServer;
  let ort: { path: string; cleanup(): void } | undefined;

  let boardHome = '';

  test.beforeAll(async () => {
    sshd = await startSshd();
    ort = boardOrtPath(join(REPO_ROOT, 'node_modules'));
    boardHome = mkdtempSync(join(tmpdir(), 'whittle-e2e-board-home-'));
    // A board registered and pinned as the device panel would (e2e/devices.spec.ts drives that UI).
    const key = join(boardHome, 'client_ed25519');
    copyFileSync(sshd.keyPath, key);
    chmodSync(key, 0o600);
    const registry = new DeviceRegistry(join(boardHome, 'devices'), NO_KEYCHAIN);
    const device = registry.add({ name: 'loopback-board', transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: TEST_USER, auth: { kind: 'key', keyPath: key, hasPassphrase: false }, ortNodePath: ort.path, timeoutMs: 15_000 });
    registry.pinHostKey(device.id, sshd.hostFingerprint());
    const doc = {
      format: 'whittle.pipeline', version: 1, name: 'On the board',
      nodes: [
        node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0), node('d', 'dataset.mnist', { split: 'test', limit: 256 }, 0, 300),
        node('q', 'quantize', { mode: 'dynamic' }, 320, 0), node('em', 'evaluate', {}, 320, 300), node('eq', 'evaluate', {}, 640, 300),
        node('pm', 'profile', { device: device.id, runs: 50, warmupRuns: 5 }, 320, 520), node('pq', 'profile', { device: device.id, runs: 50, warmupRuns: 5 }, 640, 0),
      ],
      edges: [edge('m', 'model', 'q', 'model'), edge('m', 'model', 'em', 'model'), edge('d', 'dataset', 'em', 'dataset'), edge('q', 'model', 'eq', 'model'),
        edge('d', 'dataset', 'eq', 'dataset'), edge('m', 'model', 'pm', 'model'), edge('q', 'model', 'pq', 'model')],
    };
    boardHost = await startHost({ startupDocument: doc, withModel: true, home: boardHome });
  });
  test.afterAll(async () => {
    await boardHost?.stop();
    await sshd?.stop();
    ort?.cleanup();
    if (boardHome) rmSync(boardHome, { recursive: true, force: true });
  });

  test('Profile nodes fill the board latency column and the Devices comparison', async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto(boardHost.url);
    await expect(page.getByTestId('node-pq')).toBeVisible();
    await page.getByTestId('btn-run').click();
    for (const id of ['pm', 'pq', 'eq']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', /done|warning/, { timeout: 180_000 });
    await dismissToasts(page);
    await page.getByTestId('tab-runs').click();
    await expect(page.getByTestId('run-title')).toHaveText('On the board');
    await page.getByTestId('results-tab-compare').click();
    const q = page.getByTestId('compare-table').getByTestId('compare-row-q');
    await expect(q.getByTestId('compare-board-latency')).toContainText(/\d+\.\d+ ms/);
    await expect(q.getByTestId('compare-board-latency')).toContainText('loopback-board');
    await expect(q.getByTestId('delta-boardLatency')).toHaveText(/× (faster|slower)|same speed/);
    await expect(page.getByTestId('scatter-latency')).toContainText('board where profiled');
    await page.getByTestId('compare-view').screenshot({ path: join(SHOTS, 'results-board-columns.png') });
    // The same profiles in the Devices comparison.
    await page.getByTestId('tab-devices').click();
    await expect(page.getByTestId('compare-view').getByTestId('compare-row')).toHaveCount(2, { timeout: 30_000 });
  });
});
