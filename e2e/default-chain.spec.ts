// Issue 12's first promise, in the browser host: prune -> share -> quantize with every
// parameter left at its default (share keeps codebook storage) ends with every eligible
// layer of LeNet-5 int8, and the compare view's label says so from what happened.
import { test, expect } from '@playwright/test';
import { startHost, type RunningHost } from './helpers/host.ts';

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 1,
  name: 'Defaults chain',
  nodes: [
    { id: 'm', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
    { id: 'cal', kind: 'dataset.mnist', params: { split: 'train', limit: 64 }, position: { x: 0, y: 260 } },
    { id: 'p', kind: 'prune', params: {}, position: { x: 320, y: 0 } },
    { id: 's', kind: 'share', params: {}, position: { x: 640, y: 0 } },
    { id: 'q', kind: 'quantize', params: {}, position: { x: 960, y: 0 } },
  ],
  edges: [
    { from: ['m', 'model'], to: ['p', 'model'] },
    { from: ['p', 'model'], to: ['s', 'model'] },
    { from: ['s', 'model'], to: ['q', 'model'] },
    { from: ['cal', 'dataset'], to: ['q', 'calibration'] },
  ],
};

let host: RunningHost;
test.beforeAll(async () => { host = await startHost({ startupDocument: PIPELINE, withModel: true }); });
test.afterAll(async () => { await host?.stop(); });

test('prune -> share -> quantize with every default quantizes every eligible layer', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(host.url);
  await expect(page.getByTestId('node-q')).toBeVisible();
  await page.getByTestId('btn-run').click();
  const quantize = page.getByTestId('node-q');
  await expect(quantize).toHaveAttribute('data-status', /done|warning/, { timeout: 200_000 });
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('results-tab-compare').click();
  // LeNet-5 has five weighted layers (two Conv, three Gemm): all five int8.
  await expect(page.getByTestId('compare-label-q')).toHaveText(/· int8 5\/5 layers$/);
});
