// A short training run in the browser host: LeNet-5 from the model zoo trained for two
// epochs on 512 MNIST digits. The node draws its loss/accuracy curve while it runs (seen
// epoch by epoch) and keeps it once done, and again when a re-run finds it cached; the
// results view shows the full chart.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';

test.use({ screenshot: 'only-on-failure' });

const SHOTS = join(REPO_ROOT, '.tmp', 'screenshots');
const EPOCHS = 2;

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 1,
  name: 'Train LeNet-5 (quick)',
  nodes: [
    { id: 'z', kind: 'model.zoo', params: { arch: 'lenet5' }, position: { x: 0, y: 0 } },
    { id: 'd', kind: 'dataset.mnist', params: { split: 'train', limit: 512, shuffle: true }, position: { x: 0, y: 220 } },
    { id: 't', kind: 'train', params: { epochs: EPOCHS, batchSize: 64 }, position: { x: 340, y: 80 } },
  ],
  edges: [
    { from: ['z', 'model'], to: ['t', 'model'] },
    { from: ['d', 'dataset'], to: ['t', 'dataset'] },
  ],
};

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost({ startupDocument: PIPELINE });
});
test.afterAll(async () => {
  await host?.stop();
});

interface Seen { status: string | null; epochs: number }
/** The page globals the recorder uses (this tsconfig has no DOM library). */
interface PageGlobals {
  document: { body: unknown; querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  curveSeen?: Seen[];
}

test('a train node shows its loss/accuracy curve live and after it is done', async ({ page }) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  const node = page.getByTestId('node-t');
  await expect(node).toBeVisible();
  await expect(page.getByTestId('node-curve-t')).toHaveCount(0);

  // Record what the node shows at every DOM change, to see the curve while it runs.
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const seen: Seen[] = [];
    g.curveSeen = seen;
    new g.MutationObserver(() => {
      const curve = g.document.querySelector('[data-testid="node-curve-t"]');
      if (!curve) return;
      const status = g.document.querySelector('[data-testid="node-t"]')?.getAttribute('data-status') ?? null;
      seen.push({ status, epochs: Number(curve.getAttribute('data-epochs')) });
    }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
  });

  await page.getByTestId('btn-run').click();
  await expect(node).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

  const curve = page.getByTestId('node-curve-t');
  await expect(curve).toBeVisible();
  await expect(curve).toHaveAttribute('data-epochs', String(EPOCHS));
  await expect(curve).toContainText(`Epoch ${EPOCHS}/${EPOCHS}`);
  await expect(curve).toContainText('loss');
  await expect(curve.locator('polyline')).not.toHaveCount(0);
  // The chart fits the node: no wider than the node it sits in.
  const nodeBox = await node.boundingBox();
  const curveBox = await curve.boundingBox();
  expect(curveBox && nodeBox && curveBox.width <= nodeBox.width).toBe(true);
  // Other nodes draw no chart.
  await expect(page.getByTestId('node-curve-z')).toHaveCount(0);

  const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).curveSeen ?? []);
  expect(seen.some((s) => s.status === 'running'), 'the chart box is there while the node trains').toBe(true);
  expect(seen.some((s) => s.status === 'running' && s.epochs >= 1 && s.epochs < EPOCHS), 'an epoch is drawn before training ends').toBe(true);

  await page.screenshot({ path: join(SHOTS, 'train-node.png') });

  // Run again: the node is cached (no report events), and the curve comes from the run record.
  await page.getByTestId('btn-run').click();
  await expect(node).toHaveAttribute('data-status', 'cached', { timeout: 30_000 });
  await expect(curve).toHaveAttribute('data-epochs', String(EPOCHS));
  await expect(curve).toContainText(`Epoch ${EPOCHS}/${EPOCHS}`);

  // Double-click opens the node's results, where the full chart is.
  await node.dblclick();
  await expect(page.getByTestId('train-curve')).toBeVisible();
});
