// Issue 15, the editor's first half, in the browser host: node faces show each kind's key
// params and headline figures (with units, not raw metric names); readable zoom floors at
// 1100 px, a small toggleable minimap, collapsible side panels remembered across reloads;
// palette search ranked by title, Enter-added nodes that never overlap and drag as
// themselves; inspector labels tied to their inputs, Distill's conditional fields, and a
// failure from before an edit not shown beside a new validation error. Screenshots go to
// e2e/screens/editor-faces-*.png at 1600x1000 and 1100x800.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts } from './helpers/canvas.ts';
import { edge, node } from './helpers/pipeline.ts';

test.use({ screenshot: 'only-on-failure' });

const SHOTS = join(REPO_ROOT, 'e2e', 'screens');
const WIDE = { width: 1600, height: 1000 };
const NARROW = { width: 1100, height: 800 };

/** LeNet-5 pruned, quantized, shared, evaluated against the original, timed, and trained. */
const PIPELINE = {
  format: 'whittle.pipeline',
  version: 1,
  name: 'Faces',
  nodes: [
    node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0),
    node('d', 'dataset.mnist', { split: 'test', limit: 256 }, 0, 300),
    node('p', 'prune', { sparsity: 0.5 }, 320, 0),
    node('q', 'quantize', { mode: 'dynamic' }, 640, 0),
    node('s', 'share', { k: 16 }, 320, 300),
    node('e', 'evaluate', {}, 960, 0),
    node('b', 'benchmark', { runs: 20, warmupRuns: 2 }, 960, 330),
    node('dt', 'dataset.mnist', { split: 'train', limit: 256 }, 320, 560),
    node('t', 'train', { epochs: 2, batchSize: 64 }, 640, 330),
  ],
  edges: [
    edge('m', 'model', 'p', 'model'),
    edge('d', 'dataset', 'p', 'validation'),
    edge('p', 'model', 'q', 'model'),
    edge('m', 'model', 's', 'model'),
    edge('q', 'model', 'e', 'model'),
    edge('d', 'dataset', 'e', 'dataset'),
    edge('m', 'model', 'e', 'reference'),
    edge('q', 'model', 'b', 'model'),
    edge('m', 'model', 't', 'model'),
    edge('dt', 'dataset', 't', 'dataset'),
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

async function open(page: Page): Promise<void> {
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await expect(page.getByTestId('palette-item-prune')).toBeVisible();
}

/** The canvas zoom (React Flow's viewport scale). */
async function zoom(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  return Number(/scale\(([0-9.]+)\)/.exec(transform)?.[1] ?? 'NaN');
}

/** On-screen size (px) of a node title: its font size times the zoom. */
async function titleScreenPx(page: Page, nodeId: string): Promise<number> {
  // Run in the page: e2e code is typed without the DOM, so the window is reached untyped.
  const fontPx = await page.getByTestId(`node-${nodeId}`).locator('.wh-node__title').evaluate((el) => Number.parseFloat(
    (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize,
  ));
  return fontPx * (await zoom(page));
}

async function fitView(page: Page): Promise<void> {
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(400); // the fit animation
}

test('node faces show key params and headline figures, readable at 1600 and 1100 px', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize(WIDE);
  await open(page);

  // Before a run: key params, in the inspector's words.
  await expect(page.getByTestId('node-params-m')).toContainText('File lenet5.onnx');
  await expect(page.getByTestId('node-params-p')).toContainText('Remove 50.0%');
  await expect(page.getByTestId('node-params-s')).toContainText('k 16');
  await expect(page.getByTestId('node-params-q')).toContainText('Dynamic int8');

  await page.getByTestId('btn-run').click();
  for (const id of ['e', 'b', 's', 't']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-outcome', /done|warning|cached/, { timeout: 240_000 });
  await dismissToasts(page);

  // Headlines with units: top-1 and its change against the reference, p50 and where.
  await expect(page.getByTestId('node-metrics-e')).toContainText(/top-1 \d+\.\d% \([−+±]\d+\.\d pt vs ref\)/);
  await expect(page.getByTestId('node-metrics-b')).toContainText(/p50 \d+(\.\d+)? ms/);
  await expect(page.getByTestId('node-metrics-b')).toContainText('on host');
  await expect(page.getByTestId('node-metrics-p')).toContainText(/sparsity \d+\.\d%/);
  await expect(page.getByTestId('node-metrics-q')).toContainText(/int8 layers \d+\/\d+/);
  await expect(page.getByTestId('node-metrics-q')).toContainText(/size \d+\.\d× smaller/);
  await expect(page.getByTestId('node-metrics-s')).toContainText(/size \d+\.\d× smaller/);
  await expect(page.getByTestId('node-metrics-t')).toContainText(/best accuracy \d+\.\d%/);
  await expect(page.getByTestId('node-metrics-t')).toContainText(/best epoch \d+\/2/);
  await expect(page.getByTestId('node-metrics-m')).toContainText(/size \d+\.\d KB/);
  // No raw metric names on any face.
  for (const raw of ['sizeBytes', 'p50Ms', 'labelled', 'top1Agreement']) await expect(page.locator('.react-flow__nodes')).not.toContainText(raw);
  expect(await titleScreenPx(page, 'e')).toBeGreaterThanOrEqual(10);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-1600.png') });
  await page.getByTestId('node-e').screenshot({ path: join(SHOTS, 'editor-faces-evaluate.png') });

  // 1100 x 800: fit-to-view stops at a legible zoom; below 0.75 nodes show the compact face.
  await page.setViewportSize(NARROW);
  await fitView(page);
  const z = await zoom(page);
  expect(z).toBeGreaterThanOrEqual(0.5);
  if (z < 0.8) await expect(page.getByTestId('canvas')).toHaveClass(/wh-canvas--compact/);
  expect(await titleScreenPx(page, 'e')).toBeGreaterThanOrEqual(10);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-1100.png') });
});

test('at 1100 px the minimap is small and toggleable, and side panels collapse (remembered)', async ({ page }) => {
  await page.setViewportSize(NARROW);
  await open(page);
  const canvas = (await page.getByTestId('canvas').boundingBox())!;

  // Narrow window: the minimap starts hidden; the toggle shows a small one.
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
  await page.getByTestId('minimap-toggle').click();
  const map = (await page.locator('.react-flow__minimap').boundingBox())!;
  expect(map.width * map.height).toBeLessThan(0.05 * canvas.width * canvas.height);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-minimap-1100.png') });

  // Ctrl+B hides the palette, Ctrl+Alt+B the inspector; the canvas takes the room.
  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+b');
  await expect(page.getByTestId('palette')).toHaveCount(0);
  await page.keyboard.press('Control+Alt+b');
  await expect(page.getByTestId('inspector')).toHaveCount(0);
  const wider = (await page.getByTestId('canvas').boundingBox())!;
  expect(wider.width).toBeGreaterThan(canvas.width + 350);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-panels-collapsed-1100.png') });

  // Remembered across a reload (the minimap too), and the rails bring them back.
  await page.reload();
  await expect(page.getByTestId('palette-panel-rail')).toBeVisible();
  await expect(page.getByTestId('inspector-panel-rail')).toBeVisible();
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await page.getByTestId('palette-panel-expand').click();
  await page.getByTestId('inspector-panel-expand').click();
  await expect(page.getByTestId('palette')).toBeVisible();
  await expect(page.getByTestId('inspector')).toBeVisible();
  await page.getByTestId('inspector-panel-collapse').click();
  await expect(page.getByTestId('inspector')).toHaveCount(0);
  await page.getByTestId('inspector-panel-expand').click();
});

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('palette: title matches first, Enter adds at free spots, drags move the node grabbed', async ({ page }) => {
  await page.setViewportSize(WIDE);
  await open(page);
  await page.getByTestId('btn-new').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);

  const search = page.getByTestId('palette-search');
  await search.fill('latency');
  const results = page.getByTestId('palette-results').locator('.wh-palette__item');
  await expect(results.first()).toHaveAttribute('data-testid', 'palette-item-benchmark');
  const order = await results.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { testid: string } }).dataset.testid));
  const synthetic = order.indexOf('palette-item-dataset.synthetic');
  expect(order.indexOf('palette-item-profile')).toBeLessThan(synthetic < 0 ? Infinity : synthetic);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-palette-search.png') });
  await search.press('Enter');
  await expect(page.getByTestId('node-benchmark-1')).toBeVisible();
  await search.fill('');

  for (let i = 0; i < 3; i++) await page.getByTestId('palette-item-prune').press('Enter');
  const ids = ['benchmark-1', 'prune-1', 'prune-2', 'prune-3'];
  const boxes: Box[] = [];
  for (const id of ids) boxes.push((await page.getByTestId(`node-${id}`).boundingBox())!);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j]), `${ids[i]} and ${ids[j]} overlap`).toBe(false);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-enter-placement.png') });

  // Dragging prune-2 by its title moves prune-2 and nothing else.
  const header = (await page.getByTestId('node-prune-2').locator('.wh-node__header').boundingBox())!;
  await page.mouse.move(header.x + 30, header.y + header.height / 2);
  await page.mouse.down();
  await page.mouse.move(header.x + 90, header.y + 130, { steps: 8 });
  await page.mouse.up();
  const moved = (await page.getByTestId('node-prune-2').boundingBox())!;
  expect(moved.x - boxes[2].x).toBeGreaterThan(40);
  expect(moved.y - boxes[2].y).toBeGreaterThan(80);
  for (const [i, id] of ids.entries()) {
    if (id === 'prune-2') continue;
    const box = (await page.getByTestId(`node-${id}`).boundingBox())!;
    expect(Math.abs(box.x - boxes[i].x) + Math.abs(box.y - boxes[i].y), `${id} moved`).toBeLessThan(1);
  }
});

test('inspector: labelled fields, Distill widths only when they apply, no stale failure beside a new problem', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(NARROW);
  await open(page);
  await page.getByTestId('btn-new').click();

  // Labels find their inputs (screen readers and getByLabel).
  await page.getByTestId('palette-item-prune').press('Enter');
  await page.getByTestId('node-prune-1').click();
  await page.getByLabel('Sparsity / channel ratio').fill('0.3');
  await page.getByLabel('Sparsity / channel ratio').press('Enter');
  await expect(page.getByTestId('node-params-prune-1')).toContainText('Remove 30.0%');
  await page.getByLabel('Method').selectOption('channels');
  await expect(page.getByLabel('Channel importance')).toBeVisible();
  await expect(page.getByLabel('Label', { exact: true })).toBeVisible();

  // Distill: Hidden widths only for a builder MLP student.
  await page.getByTestId('palette-item-distill').press('Enter');
  await page.getByTestId('node-distill-1').click();
  await expect(page.getByLabel('Hidden widths')).toHaveCount(0);
  await expect(page.getByLabel('Architecture')).toHaveCount(0);
  await page.getByLabel('Student', { exact: true }).selectOption('builder');
  await expect(page.getByLabel('Hidden widths')).toBeVisible();
  await page.getByLabel('Architecture').selectOption('lenet5');
  await expect(page.getByLabel('Hidden widths')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'editor-faces-inspector-distill-1100.png') });

  // A node that fails at run time (RGB samples into LeNet-5's 1x28x28 input) ...
  await page.getByTestId('btn-new').click();
  const doc = {
    format: 'whittle.pipeline', version: 1, name: 'Stale failure',
    nodes: [
      node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0),
      node('x', 'dataset.synthetic', { shape: '3, 32, 32', count: 8, numClasses: 10 }, 0, 260),
      node('e', 'evaluate', {}, 320, 60),
    ],
    edges: [edge('m', 'model', 'e', 'model'), edge('x', 'dataset', 'e', 'dataset')],
  };
  const file = join(host.workspace, 'stale-failure.json');
  (await import('node:fs')).writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('node-e')).toBeVisible();
  await page.getByTestId('btn-run').click();
  await expect(page.getByTestId('node-e')).toHaveAttribute('data-outcome', 'failed', { timeout: 120_000 });
  await expect(page.getByTestId('node-error-e')).toBeVisible();
  await dismissToasts(page);

  // ... then gets a value the catalog refuses: the new problem shows, the old failure is one
  // muted line (its message stays in the inspector, marked outdated).
  await page.getByTestId('node-e').click();
  await page.getByLabel('Batch size').fill('0');
  await page.getByLabel('Batch size').press('Enter');
  await expect(page.getByTestId('node-problems-e')).toContainText('Batch size');
  await expect(page.getByTestId('node-error-e')).toHaveCount(0);
  await expect(page.getByTestId('node-stale-error-e')).toContainText('before the edit');
  await expect(page.getByTestId('inspector-outdated')).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'editor-faces-stale-failure-1100.png') });
});
