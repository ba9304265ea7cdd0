// Sweeps (issue 16), driven in Chromium against the browser host with LeNet-5: sweeps set
// in the inspector on two params (prune sparsity, share k), a run of their 4 variants watched
// as they progress (several at once in the engine pool), every variant a point with its
// Pareto front, settings -> outcome lines, a filter, the best variant under an accuracy-drop
// limit exported to a file; then a larger sweep cancelled mid-way cancels every variant.
import { test, expect, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts } from './helpers/canvas.ts';
import { callHostApi } from './helpers/api.ts';
import { edge, node } from './helpers/pipeline.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1100 } });

const SHOTS = join(REPO_ROOT, 'e2e', 'screens');

const PIPELINE = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'LeNet-5 sweep',
  nodes: [
    node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 0, 0),
    node('d', 'dataset.mnist', { split: 'test', limit: 512 }, 0, 300),
    node('c', 'dataset.mnist', { split: 'train', limit: 128 }, 0, 520),
    node('em', 'evaluate', {}, 320, 300),
    node('p', 'prune', { sparsity: 0.5 }, 320, 0),
    node('s', 'share', { k: 16, storage: 'dense' }, 640, 0),
    node('q', 'quantize', { mode: 'static' }, 960, 0),
    node('eq', 'evaluate', {}, 1280, 300),
    node('bq', 'benchmark', { runs: 30 }, 1280, -200),
    node('x', 'export', { path: 'out/lenet-best.onnx' }, 1280, 0),
  ],
  edges: [
    edge('m', 'model', 'em', 'model'), edge('d', 'dataset', 'em', 'dataset'),
    edge('m', 'model', 'p', 'model'), edge('p', 'model', 's', 'model'), edge('s', 'model', 'q', 'model'), edge('c', 'dataset', 'q', 'calibration'),
    edge('q', 'model', 'eq', 'model'), edge('d', 'dataset', 'eq', 'dataset'), edge('q', 'model', 'bq', 'model'), edge('q', 'model', 'x', 'model'),
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

/** Select a node on the canvas and turn on the sweep of one of its params with these values. */
async function sweepParam(page: Page, nodeId: string, param: string, values: string): Promise<void> {
  await page.getByTestId(`node-${nodeId}`).click();
  await expect(page.getByTestId('inspector')).toHaveAttribute('data-node-id', nodeId);
  const toggle = page.getByTestId(`param-${param}-sweep`);
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  const input = page.getByTestId(`param-${param}-sweep-values`);
  await input.fill(values);
  await input.press('Enter');
}

/** Start the run and follow it on the Sweep tab until `until` holds. */
async function runAndWatch(page: Page, variants: number, nodeCount: number, until: (running: number, ended: number) => boolean): Promise<void> {
  await page.getByTestId('btn-run').click();
  await page.getByTestId('tab-runs').click();
  // The sweep's run by its node count: an export run started in the same second may sort first.
  const newest = page.locator('[data-testid^="run-item-"]').filter({ hasText: `${nodeCount} nodes` }).first();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(newest).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await newest.click();
  const progress = page.getByTestId('sweep-progress');
  await expect(progress).toContainText(`${variants} variants`, { timeout: 60_000 });
  for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
    const running = Number(await progress.getAttribute('data-running'));
    const ended = Number(await progress.getAttribute('data-ended'));
    if (until(running, ended)) return;
    await page.waitForTimeout(150);
  }
  throw new Error('The sweep did not reach the expected state in 5 minutes.');
}

/** The most nodes of a run that were running at the same moment, from its record. */
async function mostNodesAtOnce(runId: string): Promise<number> {
  const { run } = await callHostApi(host.url, 'runs.get', { runId });
  const marks = Object.values(run.nodes)
    .filter((n) => n.startedAt !== undefined && n.durationMs !== undefined)
    .flatMap((n): [number, number][] => { const t = Date.parse(n.startedAt!); return [[t, 1], [t + n.durationMs!, -1]]; })
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of marks) { now += d; most = Math.max(most, now); }
  return most;
}

test('sweep two params, watch the variants, read the front, export the best; cancel a sweep', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(host.url);
  await expect(page.getByTestId('node-q')).toBeVisible();

  // 1. Sweeps in the inspector: a list on prune's sparsity, another on share's k.
  await sweepParam(page, 'p', 'sparsity', '0.5, 0.9');
  await expect(page.getByTestId('param-sparsity-sweep-values-preview')).toContainText('2 values: 0.5, 0.9');
  // A value outside the param's range is named at once.
  await page.getByTestId('param-sparsity-sweep-values').fill('0.5, 1.2');
  await page.getByTestId('param-sparsity-sweep-values').press('Enter');
  await expect(page.getByTestId('param-sparsity-sweep-error')).toContainText('sweep value 1.2 must be in [0, 1)');
  await page.getByTestId('param-sparsity-sweep-values').fill('0.5, 0.9');
  await page.getByTestId('param-sparsity-sweep-values').press('Enter');
  await expect(page.getByTestId('param-sparsity-sweep-error')).toHaveCount(0);
  await sweepParam(page, 's', 'k', '4, 16');
  await expect(page.getByTestId('sweep-variant-count')).toContainText('All sweeps: 4 combinations — a run makes 4 variants.');
  await page.getByTestId('inspector').screenshot({ path: join(SHOTS, 'sweep-inspector.png') });

  // 2. Run: the variants progress, several at once in the engine pool, until all have ended.
  // 4 shared nodes (model, two datasets, its evaluation), 2 pruned models, 4 x (share, quantize, evaluate, benchmark).
  await runAndWatch(page, 4, 22, (_running, ended) => ended === 4);
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  // Several nodes at once in the engine pool, read from the run record's node times (the view
  // refreshes a running record each second: LeNet-5's variants overlap for less than that).
  expect(await mostNodesAtOnce((await page.getByTestId('run-detail').getAttribute('data-run-id'))!)).toBeGreaterThanOrEqual(2);
  await dismissToasts(page);
  for (const v of ['v1', 'v2', 'v3', 'v4']) await expect(page.getByTestId(`sweep-variant-${v}`)).toHaveAttribute('data-state', /done|warning/);

  // The canvas: a swept node shows its variants folded together.
  await page.getByTestId('tab-editor').click();
  await expect(page.getByTestId('node-status-q')).toHaveClass(/wh-status--(done|warning)/);
  await expect(page.getByTestId('node-status-p')).toHaveClass(/wh-status--(done|warning)/);
  await page.screenshot({ path: join(SHOTS, 'sweep-editor.png') });
  await page.getByTestId('tab-runs').click();

  // 3. Every variant a point (accuracy against size, then latency), the front, the lines.
  const scatter = page.getByTestId('sweep-scatter');
  await expect(scatter).toHaveAttribute('data-points', '4');
  expect((await scatter.getAttribute('data-front'))!.split(',').filter(Boolean).length).toBeGreaterThanOrEqual(1);
  // int8 variants lie bytes apart: the size axis still reads as distinct ticks (once five "65.9 KB").
  // (recharts 3 draws tick labels in its own z-index layer, outside the axis' group: the size ticks are the ones in bytes.)
  const sizeTicksNow = async () => (await scatter.locator('.recharts-cartesian-axis-tick-value').allTextContents()).filter((t) => /\bK?B$/.test(t));
  await expect.poll(async () => (await sizeTicksNow()).length).toBeGreaterThan(1);
  const sizeTicks = await sizeTicksNow();
  expect(new Set(sizeTicks).size).toBe(sizeTicks.length);
  await page.getByTestId('sweep-axis-x').selectOption('latency');
  await expect(scatter).toContainText('Accuracy against host p50');
  await expect(scatter).toHaveAttribute('data-points', '4');
  await expect(page.getByTestId('sweep-parallel').locator('polyline')).toHaveCount(4);
  await page.getByTestId('sweep-view').screenshot({ path: join(SHOTS, 'sweep-results.png') });
  // A filter: without sparsity 0.9 two variants are left, in the charts and the table.
  await page.getByTestId('sweep-filter-p.sparsity-0.9').uncheck();
  await expect(page.getByTestId('sweep-filter-count')).toHaveText('2 of 4 shown');
  await expect(page.getByTestId('sweep-parallel').locator('polyline')).toHaveCount(2);
  await page.getByTestId('sweep-filter-p.sparsity-0.9').check();

  // 4. Best under constraints: within 1 point of the source model's accuracy, then export it.
  await page.getByTestId('sweep-limit-drop').fill('1');
  const winner = page.getByTestId('sweep-best-winner');
  await expect(winner).toContainText('Sparsity / channel ratio 0.5');
  const chosen = (await winner.getAttribute('data-variant'))!;
  await page.getByTestId('sweep-limit-drop').fill('0.0001');
  await page.getByTestId('sweep-limit-p50').fill('0.000001');
  await expect(page.getByTestId('sweep-best-error')).toContainText('None of the 4 finished variants meets');
  await page.getByTestId('sweep-limit-p50').fill('');
  await page.getByTestId('sweep-limit-drop').fill('1');
  await expect(winner).toHaveAttribute('data-variant', chosen);
  await page.getByTestId('sweep-best-export').click();
  const done = page.getByTestId('sweep-export-done');
  await expect(done).toContainText(`Exported ${chosen} to`, { timeout: 120_000 });
  // Next to the saved pipeline, in the export run's own output folder (DESIGN.md §8).
  const file = (await done.locator('code').first().innerText()).trim();
  expect(file.startsWith(join(host.workspace, 'whittle-out'))).toBe(true);
  expect(file.endsWith(join('out', 'lenet-best.onnx'))).toBe(true);
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file).length).toBeGreaterThan(10_000);
  await page.getByTestId('sweep-best').screenshot({ path: join(SHOTS, 'sweep-best-export.png') });

  // 5. A larger sweep (new sparsities: nothing cached) cancelled mid-way cancels every variant.
  await page.getByTestId('tab-editor').click();
  await sweepParam(page, 'p', 'sparsity', '0.55, 0.6, 0.65, 0.7, 0.75, 0.8');
  await runAndWatch(page, 12, 4 + 6 + 4 * 12, (running) => running >= 1);
  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  const progress = page.getByTestId('sweep-progress');
  await expect(progress).toHaveAttribute('data-running', '0');
  await expect(progress).toHaveAttribute('data-ended', '12');
  await expect(page.locator('[data-testid^="sweep-variant-"][data-state="cancelled"]')).not.toHaveCount(0);
  await expect(page.locator('[data-testid^="sweep-variant-"][data-state="running"], [data-testid^="sweep-variant-"][data-state="queued"]')).toHaveCount(0);
  await page.getByTestId('sweep-view').screenshot({ path: join(SHOTS, 'sweep-cancelled.png') });
});
