// Per-layer k from sensitivity in the browser host: a Sensitivity node set to weight sharing
// scans the trained LeNet-5's layers at two k values and its results show the curves (index bits on the
// x axis) and the proposed k per layer.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';

test.use({ screenshot: 'only-on-failure' });

const SHOTS = join(REPO_ROOT, 'e2e', 'screens');

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'LeNet-5 k per layer',
  nodes: [
    { id: 'z', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
    { id: 'd', kind: 'dataset.mnist', params: { split: 'test', limit: 300 }, position: { x: 0, y: 260 } },
    { id: 's', kind: 'sensitivity', params: { method: 'share', kValues: '4, 16', targetBits: 3, limit: 300 }, position: { x: 320, y: 80 } },
  ],
  edges: [
    { from: ['z', 'model'], to: ['s', 'model'] },
    { from: ['d', 'dataset'], to: ['s', 'dataset'] },
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

test('a Sensitivity node set to weight sharing charts each layer against index bits and proposes k per layer', async ({ page }) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  const node = page.getByTestId('node-s');
  await expect(node).toBeVisible();
  await page.getByTestId('btn-run').click();
  await expect(node).toHaveAttribute('data-status', /^(done|warning)$/, { timeout: 120_000 });

  await node.dblclick();
  const view = page.getByTestId('share-sensitivity');
  await expect(view).toBeVisible();
  await expect(view).toContainText('index bits per weight');
  const rows = page.getByTestId('share-sensitivity-proposal').locator('tbody tr');
  await expect(rows).toHaveCount(5);
  // Each proposed k is one of the values tried, with its index width beside it.
  for (const text of await rows.allInnerTexts()) expect(text).toMatch(/\t(4\t2|16\t4)$/);
  // A trained model: the baseline is a real accuracy, not the 0% of random weights.
  await expect(view).toContainText(/Baseline accuracy (9\d|100)\.\d+ ?%/);
  await page.screenshot({ path: join(SHOTS, 'share-sensitivity.png'), fullPage: true });
});
