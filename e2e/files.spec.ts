// Bring your own model in the browser host: walk up in the picker to a model outside the
// repository and outside the start folder, drop another model file onto the window, run,
// find the exports in whittle-out/<run>/ next to the document, and open a document that
// reads a file outside its folder: one prompt, asked once.
import { test, expect } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LENET_FIXTURE, REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts, dropFileOnCanvas } from './helpers/canvas.ts';

let host: RunningHost;
const START = {
  format: 'whittle.pipeline', version: 1, name: 'byo',
  nodes: [
    { id: 'load', kind: 'model.onnx', params: { path: '' }, position: { x: 40, y: 40 } },
    { id: 'save', kind: 'export', params: { path: 'out/model.onnx' }, position: { x: 360, y: 40 } },
  ],
  edges: [{ from: ['load', 'model'], to: ['save', 'model'] }],
};

test.beforeAll(async () => {
  host = await startHost({ startupDocument: START, startupSubdir: 'project' });
  mkdirSync(join(host.workspace, 'data'), { recursive: true });
  copyFileSync(LENET_FIXTURE, join(host.workspace, 'data', 'lenet.onnx'));
  copyFileSync(LENET_FIXTURE, join(host.workspace, 'data', 'other.onnx'));
});
test.afterAll(async () => {
  await host?.stop();
});

test('open a model outside the start folder by walking up, drop another, run, find the exports, and trust an outside file once', async ({ page }) => {
  const ws = host.workspace;
  expect(ws.startsWith(REPO_ROOT)).toBe(false);
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await expect(page.getByTestId('node-load')).toBeVisible();

  // The picker starts in the document's folder; Up and the breadcrumbs reach the model.
  await page.getByTestId('node-load').click();
  await page.getByTestId('param-path-browse').click();
  await expect(page.getByTestId('file-browser-dir')).toHaveText(join(ws, 'project'));
  await expect(page.getByTestId('file-browser-filter')).toHaveValue('models');
  await page.getByTestId('file-browser-up').click();
  await expect(page.getByTestId('file-browser-dir')).toHaveText(ws);
  await expect(page.getByTestId('file-browser-crumbs')).toBeVisible();
  await page.getByTestId('file-entry-data').click();
  await page.getByTestId('file-entry-lenet.onnx').click();
  await expect(page.getByTestId('param-path')).toHaveValue(join(ws, 'data', 'lenet.onnx'));

  // A model dropped onto the window is copied into Whittle/models and added as a node.
  await page.getByTestId('canvas').click({ position: { x: 600, y: 400 } });
  await dropFileOnCanvas(page, LENET_FIXTURE, 'dropped.onnx');
  const dropped = join(ws, 'Whittle', 'models', 'dropped.onnx');
  await expect(page.getByTestId('node-onnx-1')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('node-onnx-1').click();
  await expect(page.getByTestId('param-path')).toHaveValue(dropped);
  expect(readFileSync(dropped).equals(readFileSync(LENET_FIXTURE))).toBe(true);
  // The recent folders remember where the first model came from.
  await page.getByTestId('param-path-browse').click();
  await expect(page.getByTestId('file-browser-recent').first()).toHaveAttribute('title', join(ws, 'data'));
  await page.keyboard.press('Escape');

  // Save (the document has a folder), run: exports land in whittle-out/<run>/ next to it.
  await page.keyboard.press('Control+s');
  await dismissToasts(page);
  await page.getByTestId('btn-run').click();
  for (const id of ['load', 'save', 'onnx-1']) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  }
  const runs = readdirSync(join(ws, 'project', 'whittle-out'));
  expect(runs).toHaveLength(1);
  expect(existsSync(join(ws, 'project', 'whittle-out', runs[0], 'out', 'model.onnx'))).toBe(true);
  expect(existsSync(join(ws, 'project', 'out'))).toBe(false);

  // A document that reads a file outside its folder: one prompt listing it; allowed, it opens.
  const outside = join(ws, 'project', 'outside.json');
  writeFileSync(outside, JSON.stringify({ ...START, name: 'outside', nodes: [{ ...START.nodes[0], params: { path: join(ws, 'data', 'other.onnx') } }, START.nodes[1]] }));
  const openOutside = async () => {
    await page.getByTestId('btn-open').click();
    await page.getByTestId('file-entry-outside.json').click();
  };
  await openOutside();
  await expect(page.getByTestId('outside-files-prompt')).toBeVisible();
  await expect(page.getByTestId('outside-files-list')).toContainText(join(ws, 'data', 'other.onnx'));
  await page.getByTestId('outside-files-cancel').click();
  await expect(page.getByTestId('outside-files-prompt')).toHaveCount(0);
  await expect(page.getByTestId('doc-name')).not.toHaveValue('outside');
  await openOutside();
  await page.getByTestId('outside-files-allow').click();
  await expect(page.getByTestId('doc-name')).toHaveValue('outside');
  await page.getByTestId('node-load').click();
  await expect(page.getByTestId('param-path')).toHaveValue(join(ws, 'data', 'other.onnx'));
  await expect(page.getByTestId('problems-bar')).toHaveCount(0);
  // Asked once: opening it again this session goes straight in.
  await openOutside();
  await expect(page.getByTestId('outside-files-prompt')).toHaveCount(0);
  await expect(page.getByTestId('doc-name')).toHaveValue('outside');

  // Save As with an absolute name writes exactly there, not under the folder shown.
  const exact = join(ws, 'data', 'exact.json');
  await page.getByTestId('btn-save-as').click();
  await page.getByTestId('file-browser-name').fill(exact);
  await page.getByTestId('file-browser-choose').click();
  await expect.poll(() => existsSync(exact)).toBe(true);
  expect(JSON.parse(readFileSync(exact, 'utf8')).name).toBe('outside');
});
