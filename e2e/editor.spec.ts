// The editor driven like a user in headless Chromium against the browser host: build a
// pipeline from the palette, get a mistyped connection refused with its reason, edit,
// undo/redo, run to "done", export and re-import to the same bytes; bad files refused.
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { connectPorts, dismissToasts, openEditor as openEditorAt, dropKind, edgeCount } from './helpers/canvas.ts';

test.use({ screenshot: 'only-on-failure' });

const SHOTS = join(REPO_ROOT, '.tmp', 'screenshots');
let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost({ withModel: true });
});
test.afterAll(async () => {
  await host?.stop();
});

function openEditor(page: Page) {
  return openEditorAt(page, host.url);
}

async function paramValue(page: Page, nodeId: string, param: string): Promise<string> {
  await page.getByTestId(`node-${nodeId}`).click();
  await expect(page.getByTestId('inspector-node-id')).toHaveText(nodeId);
  return page.getByTestId(`param-${param}`).inputValue();
}

test('build, check, edit, undo/redo, run, export and re-import a pipeline', async ({ page }) => {
  await openEditor(page);

  await page.getByTestId('doc-name').fill('LeNet-5: load, export twice');
  await page.getByTestId('doc-name').press('Enter');

  // Three nodes from the palette, connected: model -> export, model -> export.
  await dropKind(page, 'model.onnx', 160, 200);
  await dropKind(page, 'export', 560, 120);
  await dropKind(page, 'export', 560, 360);
  for (const id of ['onnx-1', 'export-1', 'export-2']) await expect(page.getByTestId(`node-${id}`)).toBeVisible();
  await connectPorts(page, 'port-onnx-1-out-model', 'port-export-1-in-model');
  await connectPorts(page, 'port-onnx-1-out-model', 'port-export-2-in-model');
  await expect.poll(() => edgeCount(page)).toBe(2);

  // A dataset output into a model input is refused, and the toast says why.
  await dropKind(page, 'dataset.mnist', 160, 460);
  await connectPorts(page, 'port-mnist-1-out-dataset', 'port-export-2-in-model');
  const refusal = page.getByTestId('toast-error');
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('Connection refused');
  await expect(refusal).toContainText('dataset output');
  await expect(refusal).toContainText('model input');
  expect(await edgeCount(page)).toBe(2);
  // The stray node goes again (select + Delete).
  await page.getByTestId('node-mnist-1').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-mnist-1')).toHaveCount(0);

  // The model file comes from the workspace browser.
  await page.getByTestId('node-onnx-1').click();
  await page.getByTestId('param-path-browse').click();
  await page.getByTestId('file-entry-models').click();
  await page.getByTestId('file-entry-lenet5.onnx').click();
  // A file in the document's folder is stored relative to it (it moves with the project).
  await expect(page.getByTestId('param-path')).toHaveValue('models/lenet5.onnx');

  // Edit a parameter, then undo and redo it.
  expect(await paramValue(page, 'export-2', 'path')).toBe('out/model.onnx');
  await page.getByTestId('param-path').fill('out/copy.onnx');
  await page.getByTestId('param-path').press('Enter');
  await page.getByTestId('node-export-2').click();
  await expect(page.getByTestId('param-path')).toHaveValue('out/copy.onnx');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('param-path')).toHaveValue('out/model.onnx');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('param-path')).toHaveValue('out/copy.onnx');
  await expect(page.getByTestId('dirty-indicator')).toHaveAttribute('data-dirty', 'true');

  mkdirSync(SHOTS, { recursive: true });
  await page.getByTestId('canvas').click({ position: { x: 20, y: 20 } });
  await dismissToasts(page);
  await page.screenshot({ path: join(SHOTS, 'editor-before-run.png') });

  // Run: every node reaches "done".
  await page.getByTestId('btn-run').click();
  for (const id of ['onnx-1', 'export-1', 'export-2']) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  }
  await expect(page.getByTestId('btn-run')).toBeVisible();
  await page.getByTestId('node-onnx-1').click();
  await dismissToasts(page);
  await page.getByTestId('palette').evaluate((el) => (el as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'editor-after-run.png') });
  // The README's screenshot is refreshed on request only, so test runs leave the tree clean.
  if (process.env.WHITTLE_UPDATE_DOCS) copyFileSync(join(SHOTS, 'editor-after-run.png'), join(REPO_ROOT, 'docs', 'editor.png'));
  // Exports of a saved document land in whittle-out/<run>/ next to it.
  const [runDir] = readdirSync(join(host.workspace, 'whittle-out'));
  expect(readFileSync(join(host.workspace, 'whittle-out', runDir, 'out', 'copy.onnx')).length).toBeGreaterThan(1000);

  // The run is in history with per-node results; double-clicking a node opens its own.
  await page.getByTestId('node-export-2').dblclick();
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('node-detail')).toContainText('export-2');
  for (const id of ['onnx-1', 'export-1', 'export-2']) await expect(page.getByTestId(`node-result-${id}`)).toHaveAttribute('data-status', 'done');
  await page.getByTestId('tab-editor').click();

  // Export, import the file again, export again: the same bytes.
  const first = await exportBytes(page);
  const doc = JSON.parse(first.toString('utf8')) as { nodes: unknown[]; edges: unknown[] };
  expect(doc.nodes).toHaveLength(3);
  expect(doc.edges).toHaveLength(2);
  const exported = join(host.workspace, 'exported.json');
  writeFileSync(exported, first);
  await page.getByTestId('btn-new').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await page.getByTestId('import-input').setInputFiles(exported);
  await expect(page.locator('.react-flow__node')).toHaveCount(3);
  await expect.poll(() => edgeCount(page)).toBe(2);
  const second = await exportBytes(page);
  expect(second.equals(first)).toBe(true);
});

async function exportBytes(page: Page): Promise<Buffer> {
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-export').click();
  const file = await (await download).path();
  return readFileSync(file);
}

test('bad pipeline files are refused with a clear error and the open work stays', async ({ page }) => {
  await openEditor(page);
  await dropKind(page, 'model.onnx', 200, 200);
  await dropKind(page, 'export', 560, 200);
  await connectPorts(page, 'port-onnx-1-out-model', 'port-export-1-in-model');
  await expect.poll(() => edgeCount(page)).toBe(1);

  const dir = join(host.workspace, 'bad');
  mkdirSync(dir, { recursive: true });
  const good = JSON.stringify({ format: 'whittle.pipeline', version: 1, name: 'x', nodes: [{ id: 'a', kind: 'model.onnx', params: {} }], edges: [] });
  const cases: { name: string; content: string | Buffer; expect: RegExp }[] = [
    { name: 'truncated.json', content: good.slice(0, good.length - 20), expect: /truncated/i },
    { name: 'not-json.json', content: 'this is not JSON at all', expect: /not valid JSON/i },
    { name: 'wrong-format.json', content: JSON.stringify({ hello: 'world' }), expect: /not a Whittle pipeline/i },
    { name: 'huge.json', content: Buffer.alloc(50 * 1024 * 1024, 0x20), expect: /50\.0 MB/ },
    {
      name: 'newer-kind.json',
      content: JSON.stringify({ format: 'whittle.pipeline', version: 1, name: 'n', nodes: [{ id: 'q', kind: 'quantum.teleport', params: {} }], edges: [] }),
      expect: /quantum\.teleport/,
    },
    { name: 'newer-version.json', content: JSON.stringify({ format: 'whittle.pipeline', version: 99, name: 'n', nodes: [], edges: [] }), expect: /version/i },
  ];
  for (const c of cases) {
    const path = join(dir, c.name);
    writeFileSync(path, c.content);
    await page.getByTestId('import-input').setInputFiles(path);
    const dialog = page.getByTestId('error-dialog');
    await expect(dialog, c.name).toBeVisible();
    await expect(dialog, c.name).toContainText(c.expect);
    await page.getByTestId('error-dialog-close').click();
    await expect(dialog).toHaveCount(0);
    // Nothing of the open pipeline was lost.
    await expect(page.locator('.react-flow__node'), c.name).toHaveCount(2);
    expect(await edgeCount(page), c.name).toBe(1);
  }
});

test('after a crash the autosaved pipeline is offered back', async ({ browser }) => {
  const home = mkdtempSync(join(tmpdir(), 'whittle-home-'));
  const first = await startHost({ home });
  try {
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(first.url);
    await dropKind(page, 'model.onnx', 200, 200);
    await dropKind(page, 'export', 560, 200);
    await connectPorts(page, 'port-onnx-1-out-model', 'port-export-1-in-model');
    await expect.poll(() => edgeCount(page)).toBe(1);
    // The debounced autosave reaches the data folder, edge included (saves are fsynced: wait for the last one).
    const autosaveDir = join(home, 'autosave');
    await expect.poll(() => existsSync(autosaveDir) && readdirSync(autosaveDir).some((f) => readFileSync(join(autosaveDir, f), 'utf8').includes('"to":["export-1","model"]')), { timeout: 10_000 }).toBe(true);
    // The host goes away under the open page: the page says so.
    await first.stop();
    await expect(page.getByTestId('connection-lost')).toBeVisible();
    await page.close();
  } finally {
    await first.stop();
  }
  const second = await startHost({ home });
  try {
    const page = await browser.newPage();
    await page.goto(second.url);
    await expect(page.getByTestId('recovery-banner')).toBeVisible();
    await expect(page.locator('.react-flow__node')).toHaveCount(0);
    await page.getByTestId('recovery-restore').click();
    await expect(page.locator('.react-flow__node')).toHaveCount(2);
    await expect.poll(() => edgeCount(page)).toBe(1);
    await expect(page.getByTestId('dirty-indicator')).toHaveAttribute('data-dirty', 'true');
    await page.close();
  } finally {
    await second.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('edit commands, save as, examples and the shortcut list', async ({ page }) => {
  await openEditor(page);
  await dropKind(page, 'model.onnx', 160, 160);
  await dropKind(page, 'export', 520, 160);
  await connectPorts(page, 'port-onnx-1-out-model', 'port-export-1-in-model');
  await expect.poll(() => edgeCount(page)).toBe(1);

  // Box-select both (Shift+drag on the empty pane; the box must hold the whole of each node, faces and status included), duplicate: the inner edge comes along.
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(canvas.x + 20, canvas.y + 40);
  await page.mouse.down();
  await page.mouse.move(canvas.x + 800, canvas.y + 560, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);
  await page.keyboard.press('Control+d');
  await expect(page.locator('.react-flow__node')).toHaveCount(4);
  await expect.poll(() => edgeCount(page)).toBe(2);
  await expect(page.getByTestId('node-onnx-2')).toBeVisible();

  // Copy one node, paste it twice: fresh ids each time; undo removes the last paste.
  await page.getByTestId('node-export-1').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  await expect(page.getByTestId('node-export-4')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  await page.keyboard.press('Control+y');
  await expect(page.locator('.react-flow__node')).toHaveCount(6);

  // Shift+click adds to the selection; Delete removes both and their edges.
  await page.getByTestId('node-onnx-2').click();
  await page.getByTestId('node-export-3').click({ modifiers: ['Shift'] });
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);
  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__node')).toHaveCount(4);
  await expect.poll(() => edgeCount(page)).toBe(1);

  // A connection is selected by clicking it and deleted with Delete.
  const from = (await page.getByTestId('port-onnx-1-out-model').boundingBox())!;
  const to = (await page.getByTestId('port-export-1-in-model').boundingBox())!;
  await page.mouse.click((from.x + to.x + to.width) / 2, from.y + from.height / 2);
  await expect(page.locator('.react-flow__edge.selected')).toHaveCount(1);
  await page.keyboard.press('Delete');
  await expect.poll(() => edgeCount(page)).toBe(0);
  await page.keyboard.press('Control+z');
  await expect.poll(() => edgeCount(page)).toBe(1);

  // A number outside its bounds shows an inline error and is not committed.
  await dropKind(page, 'prune', 300, 420);
  await page.getByTestId('node-prune-1').click();
  const sparsity = page.getByTestId('param-sparsity');
  const before = await sparsity.inputValue();
  await sparsity.fill('1.5');
  await expect(page.getByTestId('param-sparsity-error')).toBeVisible();
  await sparsity.press('Escape');
  await expect(sparsity).toHaveValue(before);

  // Save as into the workspace through the file browser: the file holds the document.
  await page.getByTestId('btn-save-as').click();
  await page.getByTestId('file-browser-name').fill('saved.json');
  await page.getByTestId('file-browser-choose').click();
  await expect(page.getByTestId('dirty-indicator')).toHaveAttribute('data-dirty', 'false');
  const saved = JSON.parse(readFileSync(join(host.workspace, 'saved.json'), 'utf8')) as { nodes: { id: string }[] };
  expect(saved.nodes.map((n) => n.id).sort()).toEqual(['export-1', 'export-2', 'export-4', 'onnx-1', 'prune-1']);

  // The shortcut list opens with "?".
  await page.getByTestId('canvas').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('Ctrl+Shift+Z');
  await page.keyboard.press('Escape');

  // The palette search narrows the kinds.
  await page.getByTestId('palette-search').fill('expo');
  await expect(page.getByTestId('palette-item-export')).toBeVisible();
  await expect(page.getByTestId('palette-item-model.onnx')).toHaveCount(0);
  await page.getByTestId('palette-search').fill('');

  // The example gallery opens a bundled example.
  await page.getByTestId('btn-examples').click();
  await page.getByTestId('example-lenet5').click();
  await expect(page.getByTestId('examples-gallery')).toHaveCount(0);
  await expect(page.getByTestId('node-model')).toBeVisible();
  await expect(page.getByTestId('node-export')).toBeVisible();
});

test('a running pipeline can be cancelled from the toolbar', async ({ page }) => {
  await openEditor(page);
  await dropKind(page, 'model.onnx', 200, 200);
  await dropKind(page, 'benchmark', 600, 200);
  await connectPorts(page, 'port-onnx-1-out-model', 'port-benchmark-1-in-model');
  await expect.poll(() => edgeCount(page)).toBe(1);
  await page.getByTestId('node-onnx-1').click();
  await page.getByTestId('param-path').fill(join(host.workspace, 'models', 'lenet5.onnx'));
  await page.getByTestId('param-path').press('Enter');
  // Enough timed runs to keep the node busy for minutes.
  await page.getByTestId('node-benchmark-1').click();
  await page.getByTestId('param-batchSize').fill('512');
  await page.getByTestId('param-batchSize').press('Enter');
  await page.getByTestId('param-runs').fill('100000');
  await page.getByTestId('param-runs').press('Enter');

  await page.getByTestId('btn-run').click();
  await expect(page.getByTestId('node-benchmark-1')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await page.getByTestId('btn-cancel').click();
  await expect(page.getByTestId('node-benchmark-1')).toHaveAttribute('data-status', 'cancelled', { timeout: 15_000 });
  await expect(page.getByTestId('node-onnx-1')).toHaveAttribute('data-status', /done|cached/);
  await expect(page.getByTestId('btn-run')).toBeVisible();
});
