// The Pack node in the browser host: LeNet-5 from the model zoo pruned and shared, then
// packed with the fp32 and pruned models and a test set connected. The node ends done, and
// its results show the size waterfall (fp32 -> pruned -> shared -> packed) and the storage
// form each tensor took.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';

test.use({ screenshot: 'only-on-failure' });

const SHOTS = join(REPO_ROOT, '.tmp', 'screenshots');

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 1,
  name: 'Pack LeNet-5 (quick)',
  nodes: [
    { id: 'z', kind: 'model.zoo', params: { arch: 'lenet5' }, position: { x: 0, y: 0 } },
    { id: 'd', kind: 'dataset.mnist', params: { split: 'test', limit: 256 }, position: { x: 0, y: 260 } },
    { id: 'p', kind: 'prune', params: { method: 'magnitude', sparsity: 0.9 }, position: { x: 300, y: 0 } },
    { id: 's', kind: 'share', params: { k: 16 }, position: { x: 600, y: 0 } },
    { id: 'k', kind: 'pack', params: {}, position: { x: 900, y: 80 } },
  ],
  edges: [
    { from: ['z', 'model'], to: ['p', 'model'] },
    { from: ['p', 'model'], to: ['s', 'model'] },
    { from: ['s', 'model'], to: ['k', 'model'] },
    { from: ['d', 'dataset'], to: ['k', 'dataset'] },
    { from: ['z', 'model'], to: ['k', 'original'] },
    { from: ['p', 'model'], to: ['k', 'pruned'] },
  ],
};

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost({ startupDocument: PIPELINE });
});
test.afterAll(async () => {
  await host?.stop();
});

test('a pack node shows the size waterfall and the form of each tensor', async ({ page }) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  const node = page.getByTestId('node-k');
  await expect(node).toBeVisible();
  await page.getByTestId('btn-run').click();
  await expect(node).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  await node.dblclick();
  const waterfall = page.getByTestId('pack-waterfall');
  await expect(waterfall).toBeVisible();
  await expect(waterfall.locator('tbody tr')).toHaveCount(4);
  for (const stage of ['fp32', 'pruned', 'shared', 'packed']) await expect(waterfall.locator('tbody th', { hasText: stage })).toHaveCount(1);
  await expect(page.getByTestId('pack-waterfall-headline')).toContainText('smaller');
  const layers = page.getByTestId('pack-layers');
  await expect(layers).toBeVisible();
  await expect(page.getByTestId('pack-check')).toContainText('identical');
  await expect(layers).toContainText('codebook-uint4');
  await page.screenshot({ path: join(SHOTS, 'pack-report.png'), fullPage: true });
});
