// The Workers panel and the app's queue setting against the browser host, a real
// redis-server on loopback and one `whittle worker`: an unreachable queue is named, a
// reachable one lists its worker, and a run started from the editor has its nodes run by
// that worker (the panel counts them).
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type RunningHost } from './helpers/host.ts';
import { RedisServer, startWorker, stopWorker, type WorkerProcess } from '../test/scale/redis-harness.ts';

const PIPELINE = {
  format: 'whittle.pipeline', version: 2, name: 'queue',
  nodes: [
    { id: 'm', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
    { id: 'd', kind: 'dataset.mnist', params: { split: 'test', limit: 100 }, position: { x: 0, y: 200 } },
    { id: 'p', kind: 'prune', params: { sparsity: 0.5 }, position: { x: 300, y: 0 } },
    { id: 'e', kind: 'evaluate', params: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { from: ['m', 'model'], to: ['p', 'model'] },
    { from: ['p', 'model'], to: ['e', 'model'] },
    { from: ['d', 'dataset'], to: ['e', 'dataset'] },
  ],
};

let host: RunningHost;
let redis: RedisServer;
let worker: WorkerProcess;
const dir = mkdtempSync(join(tmpdir(), 'whittle-e2e-queue-'));

test.beforeAll(async () => {
  mkdirSync(join(dir, 'redis'));
  redis = await RedisServer.start(join(dir, 'redis'));
  [host, worker] = await Promise.all([startHost({ startupDocument: PIPELINE, withModel: true }), startWorker(redis.url, join(dir, 'worker'))]);
});
test.afterAll(async () => {
  await host?.stop();
  if (worker) await stopWorker(worker);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the queue setting sends a run to the worker the Workers panel lists', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(host.url);
  await page.getByTestId('tab-devices').click();
  const panel = page.getByTestId('workers-panel');
  // A typo is named before anything is saved, and Save stays off.
  await panel.getByTestId('queue-url').fill('http://127.0.0.1:6379');
  await expect(panel.getByTestId('queue-url-problem')).toContainText('is not a redis:// URL');
  await expect(panel.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(panel).not.toContainText('whittle worker --queue http://127.0.0.1:6379');

  const closed = `redis://127.0.0.1:${redis.port + 1}`;
  await panel.getByTestId('queue-url').fill(closed);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('alert')).toContainText(`cannot reach the queue's Redis at ${closed}`);

  await panel.getByTestId('queue-url').fill(redis.url);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByTestId('worker-row')).toHaveCount(1);
  await expect(panel.getByTestId('worker-row')).toContainText('idle');

  await page.getByTestId('tab-editor').click();
  await page.getByTestId('btn-run').click();
  await expect(page.getByTestId('node-e')).toHaveAttribute('data-status', /done|warning/, { timeout: 200_000 });
  expect(worker.output()).toContain('finished e');
  await page.getByTestId('tab-devices').click();
  // All four nodes ran on the worker (jobs-done column).
  await expect(panel.getByTestId('worker-row').locator('td').nth(3)).toHaveText('4', { timeout: 10_000 });
});
