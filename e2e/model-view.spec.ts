// The model viewer like Netron, driven in Chromium: open MobileNetV2 from the app bar without
// a pipeline (its residual Adds take two arrows), search and jump, read a Conv's weight
// statistics; open a static-int8 LeNet-5 through `whittle view` and fold its QDQ groups;
// drop a model on the window outside the editor; lay out the YOLO fixture. Screenshots go
// to e2e/screens/.
import { test, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { fixtureModel, LENET_FIXTURE, MOBILENET_FIXTURE } from '../test/fixtures-path.ts';
import { lenet, mnistCalibration } from '../test/quantize/helpers.ts';
import { quantizeStatic } from '../src/main/passes/quantize/static.ts';
import { encodeModel } from '../src/main/onnx/model.ts';

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');
let host: RunningHost;
let viewer: ChildProcess | undefined;

test.beforeAll(async () => {
  host = await startHost();
  const models = join(host.workspace, 'models');
  mkdirSync(models, { recursive: true });
  copyFileSync(MOBILENET_FIXTURE, join(models, 'mobilenet_v2.onnx'));
  copyFileSync(fixtureModel('yolo-tiny-random.onnx'), join(models, 'yolo-tiny.onnx'));
  const { model } = await quantizeStatic(lenet(), mnistCalibration(32), { target: 'x86-vnni', perChannel: true, verify: false, sqnrSamples: 0 });
  writeFileSync(join(models, 'lenet5-int8.onnx'), encodeModel(model));
  mkdirSync(SCREENS, { recursive: true });
});
test.afterAll(async () => {
  if (viewer && viewer.exitCode === null) viewer.kill('SIGTERM');
  await host?.stop();
});

async function openFromAppBar(page: Page, name: string) {
  await page.getByTestId('open-model').click();
  await page.getByTestId('file-entry-models').click();
  await page.getByTestId(`file-entry-${name}`).click();
  await expect(page.getByTestId('model-file-viewer')).toBeVisible();
  await expect(page.getByTestId('model-graph')).toBeVisible({ timeout: 90_000 });
}

/** The graph edges drawn into a node, by the node's display id. */
function edgesInto(page: Page, id: string) {
  return page.locator(`[data-testid="graph-edge"][data-to="${id}"]`);
}

test('MobileNetV2 opened without a pipeline: two arrows into each residual Add, search jumps, properties show weight statistics', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(host.url);
  await openFromAppBar(page, 'mobilenet_v2.onnx');
  await expect(page.getByTestId('model-file-summary')).toContainText('parameters');
  const adds = page.locator('[data-testid^="graph-node-"][data-op="Add"]');
  expect(await adds.count()).toBeGreaterThanOrEqual(10);
  const firstAdd = (await adds.first().getAttribute('data-testid'))!.replace('graph-node-', '');
  await expect(edgesInto(page, firstAdd)).toHaveCount(2);
  // The two arrows end at different points on the Add's box.
  const ends: string[] = [];
  for (const path of await edgesInto(page, firstAdd).locator('path').all()) ends.push((await path.getAttribute('d') ?? '').split(' ').pop() ?? '');
  expect(new Set(ends).size).toBe(2);

  await page.getByTestId('model-search').fill('add');
  await expect(page.getByTestId('model-search-count')).toContainText('found');
  await page.getByTestId('model-search').press('Enter');
  await page.getByTestId('model-search').press('Enter');
  await expect(page.getByTestId('model-search-count')).toContainText(/^2 of \d+ found/);
  await expect(page.getByTestId('node-details')).toContainText('Add');
  await expect(page.getByTestId('node-inputs').locator('li')).toHaveCount(2);
  await page.getByTestId('model-view').screenshot({ path: join(SCREENS, 'model-view-residual.png') });

  await page.getByTestId('model-search').fill('Conv');
  await page.getByTestId('model-search').press('Enter');
  const weights = page.getByTestId('node-weights');
  await expect(weights).toContainText('min');
  await expect(weights).toContainText('std');
  await expect(weights).toContainText('sparsity');
  await expect(page.getByTestId('node-outputs')).toContainText('[');
  await page.getByTestId('model-file-viewer').screenshot({ path: join(SCREENS, 'model-view-mobilenet.png') });
  await page.getByTestId('model-file-close').click();
  await expect(page.getByTestId('model-file-viewer')).toHaveCount(0);
});

test('`whittle view` opens a static-int8 LeNet-5; fused int8 groups fold DQ -> op -> Q into one node with its scales', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  const model = join(host.workspace, 'models', 'lenet5-int8.onnx');
  viewer = spawn(process.execPath, [join(REPO_ROOT, 'bin/whittle.js'), 'view', model, '--no-browser', '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, WHITTLE_HOME: host.home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    viewer!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    viewer!.on('exit', (code) => reject(new Error(`whittle view exited (${code}): ${out}`)));
  });
  expect(url).toContain('#view=');
  await page.goto(url);
  await expect(page.getByTestId('model-file-path')).toHaveText(model);
  await expect(page.getByTestId('model-graph')).toBeVisible({ timeout: 60_000 });
  const before = Number(await page.getByTestId('model-graph').getAttribute('data-nodes'));
  await page.locator('[data-testid^="graph-node-"][data-op="QuantizeLinear"]').first().click();
  await expect(page.getByTestId('node-quant')).toContainText('scale');
  await expect(page.getByTestId('node-quant')).toContainText('zero point');
  await page.getByTestId('model-view').screenshot({ path: join(SCREENS, 'model-view-qdq.png') });

  await page.getByTestId('model-fuse').check();
  await expect.poll(async () => Number(await page.getByTestId('model-graph').getAttribute('data-nodes'))).toBeLessThan(before);
  const fusedConv = page.locator('[data-testid^="graph-node-fused:"][data-op="Conv"]').first();
  await fusedConv.click();
  await expect(page.getByTestId('fused-members')).toContainText('DequantizeLinear → Conv → QuantizeLinear');
  await expect(page.getByTestId('weight-quant').first()).toContainText('scale');
  await page.getByTestId('model-view').screenshot({ path: join(SCREENS, 'model-view-fused-int8.png') });
});

test('a model dropped outside the editor opens in the viewer; the YOLO fixture lays out whole', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(host.url);
  await page.getByTestId('tab-runs').click();
  const bytes = JSON.stringify([...readFileSync(LENET_FIXTURE)]);
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(${bytes})], 'dropped-lenet.onnx', { type: 'application/octet-stream' }));
    return dt;
  })()`);
  await page.locator('main').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.locator('main').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByTestId('model-file-path')).toContainText('dropped-lenet.onnx', { timeout: 30_000 });
  await expect(page.locator('[data-testid^="graph-node-"][data-op="Conv"]')).toHaveCount(2, { timeout: 30_000 });
  await page.getByTestId('model-file-close').click();

  await openFromAppBar(page, 'yolo-tiny.onnx');
  const nodes = Number(await page.getByTestId('model-graph').getAttribute('data-nodes'));
  expect(nodes).toBeGreaterThan(150);
  await expect(page.locator('[data-testid^="graph-node-"]')).toHaveCount(nodes);
  await expect(page.getByTestId('model-graph-count')).toContainText('laid out in');
  await page.getByTestId('model-file-viewer').screenshot({ path: join(SCREENS, 'model-view-yolo.png') });
});
