// "Run to here" from a node's context menu, in Chromium against the browser host: only the
// node and its upstream run (LeNet-5 → Prune); the export after it and the benchmark beside
// it stay idle, and a problem on a node outside that part (an image folder left empty) does
// not stop it, while the full Run refuses. Screenshot: e2e/screens/editing-run-to-here.png.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts, openEditor } from './helpers/canvas.ts';
import { edge, node } from './helpers/pipeline.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1000 } });

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'Run to here',
  nodes: [
    node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0),
    node('p', 'prune', { sparsity: 0.5 }, 300, 0),
    node('x', 'export', { path: 'out/pruned.onnx' }, 600, 0),
    node('b', 'benchmark', { runs: 5, warmupRuns: 1 }, 300, 260),
    node('img', 'dataset.images', {}, 0, 260),
  ],
  edges: [edge('m', 'model', 'p', 'model'), edge('p', 'model', 'x', 'model'), edge('m', 'model', 'b', 'model')],
};

let host: RunningHost;
test.beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  host = await startHost({ startupDocument: PIPELINE, withModel: true });
});
test.afterAll(async () => {
  await host?.stop();
});

test('Run to here runs a node and its upstream only', async ({ page }) => {
  test.setTimeout(180_000);
  await openEditor(page, host.url);

  // The whole pipeline cannot run: the image folder is empty.
  await page.getByTestId('btn-run').click();
  await expect(page.getByTestId('error-dialog')).toHaveAttribute('aria-label', 'The pipeline cannot run yet');
  await page.getByTestId('error-dialog-close').click();
  await expect(page.getByTestId('error-dialog')).toHaveCount(0);

  const p = (await page.getByTestId('node-p').boundingBox())!;
  await page.mouse.click(p.x + 60, p.y + 15, { button: 'right' });
  await page.getByTestId('menu-run-to-here').click();
  for (const id of ['m', 'p']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-outcome', /done|warning|cached/, { timeout: 120_000 });
  await expect(page.getByTestId('node-metrics-p')).toContainText(/sparsity \d+\.\d%/);
  for (const id of ['x', 'b', 'img']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'idle');
  await dismissToasts(page);
  await page.screenshot({ path: join(SCREENS, 'editing-run-to-here.png') });
});
