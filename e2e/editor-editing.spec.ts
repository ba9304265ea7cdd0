// Editing like ComfyUI / Node-RED, driven in Chromium at 1600×1000 against the browser host:
// double-click search adds at the cursor, context menus (mouse and keyboard), ELK
// auto-layout as one undo step, groups that carry their nodes, markdown sticky notes saved
// in the document (and ignored by runs and the CLI), an explicit replace of a connected
// input with Undo, and new nodes that never land on others. Screenshots: e2e/screens/.
import { test, expect, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { connectPorts, dismissToasts, openEditor as openEditorAt, edgeCount } from './helpers/canvas.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1000 } });

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');
let host: RunningHost;

/** Four nodes stacked on one spot (a hand-written file), two edges. */
const STACKED = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'Stacked',
  nodes: [
    { id: 'm', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 100, y: 100 } },
    { id: 'p', kind: 'prune', params: {}, position: { x: 110, y: 110 } },
    { id: 'q', kind: 'quantize', params: {}, position: { x: 120, y: 120 } },
    { id: 'x', kind: 'export', params: {}, position: { x: 130, y: 130 } },
  ],
  edges: [
    { from: ['m', 'model'], to: ['p', 'model'] },
    { from: ['p', 'model'], to: ['q', 'model'] },
    { from: ['q', 'model'], to: ['x', 'model'] },
  ],
};

test.beforeAll(async () => {
  host = await startHost({ withModel: true });
  mkdirSync(SCREENS, { recursive: true });
});
test.afterAll(async () => {
  await host?.stop();
});

async function openEditor(page: Page) {
  await openEditorAt(page, host.url);
  // The tests share one data folder: an earlier test's unsaved work is offered back; not wanted here.
  if (await page.getByTestId('recovery-banner').isVisible()) await page.getByTestId('recovery-discard').click();
}

/** Opens a document by importing it as a user would. */
async function importDocument(page: Page, doc: object, name: string) {
  const file = join(host.workspace, name);
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.locator('.react-flow__node-pipeline')).toHaveCount((doc as { nodes: unknown[] }).nodes.length);
}

type Box = { x: number; y: number; width: number; height: number };

async function nodeBoxes(page: Page): Promise<Map<string, Box>> {
  const out = new Map<string, Box>();
  for (const el of await page.locator('.react-flow__node').all()) out.set((await el.getAttribute('data-id'))!, (await el.boundingBox())!);
  return out;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function expectNoOverlap(page: Page) {
  const boxes = [...(await page.locator('.react-flow__node-pipeline').all())];
  const rects = await Promise.all(boxes.map((b) => b.boundingBox()));
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlap(rects[i]!, rects[j]!), `nodes ${i} and ${j} overlap`).toBe(false);
}

async function canvasPoint(page: Page, x: number, y: number) {
  const c = (await page.getByTestId('canvas').boundingBox())!;
  return { x: c.x + x, y: c.y + y };
}

async function exportJson(page: Page): Promise<Record<string, unknown>> {
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-export').click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as Record<string, unknown>;
}

/** Node positions in the document (flow coordinates; nodes out of view are not in the DOM). */
async function positions(page: Page): Promise<Record<string, { x: number; y: number }>> {
  const doc = await exportJson(page);
  return Object.fromEntries((doc.nodes as { id: string; position: { x: number; y: number } }[]).map((n) => [n.id, n.position]));
}

/** Auto-layout from the toolbar; waits until `last` sits right of `first` and the view has settled. */
async function autoLayout(page: Page, first: string, last: string) {
  await page.getByTestId('btn-auto-layout').click();
  // The first layout of a page starts the 1.6 MB elkjs worker: seconds on a loaded 2-core machine.
  await expect.poll(async () => {
    const p = await positions(page);
    return p[last].x - p[first].x;
  }, { timeout: 20_000 }).toBeGreaterThan(200);
  await page.waitForTimeout(500); // the fit-view animation
}

test('double-click search adds a node at the cursor; Escape closes it; added nodes never overlap', async ({ page }) => {
  await openEditor(page);
  const at = await canvasPoint(page, 400, 300);
  await page.mouse.dblclick(at.x, at.y);
  await expect(page.getByTestId('node-search')).toBeVisible();
  await expect(page.getByTestId('node-search-input')).toBeFocused();
  await page.keyboard.type('quant');
  // Title matches first.
  await expect(page.locator('[data-testid^="node-search-item-"]').first()).toHaveAttribute('data-testid', 'node-search-item-quantize');
  await page.screenshot({ path: join(SCREENS, 'editing-node-search.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-search')).toHaveCount(0);
  const node = (await page.getByTestId('node-quantize-1').boundingBox())!;
  // Held by the middle of its title bar, as a palette drop is.
  expect(Math.abs(node.x + node.width / 2 - at.x)).toBeLessThan(30);
  expect(Math.abs(node.y + 19 - at.y)).toBeLessThan(30);

  // Escape closes without adding; so does a click outside.
  await page.mouse.dblclick(at.x + 500, at.y);
  await expect(page.getByTestId('node-search')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('node-search')).toHaveCount(0);
  await page.mouse.dblclick(at.x + 500, at.y);
  await page.mouse.click(at.x - 200, at.y + 300);
  await expect(page.getByTestId('node-search')).toHaveCount(0);

  // Two spots so close to the first node that the new one would cover it, a duplicate and
  // two pastes: nothing lands on anything.
  for (const [q, dx, dy] of [['export', 200, 40], ['prune', -200, 60]] as const) {
    await page.mouse.dblclick(at.x + dx, at.y + dy);
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`node-${q}-1`)).toBeVisible();
  }
  await page.getByTestId('node-quantize-1').click();
  await page.keyboard.press('Control+d');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.react-flow__node-pipeline')).toHaveCount(6);
  await expect(page.getByTestId('node-synthetic-1')).toHaveCount(0);
  await expectNoOverlap(page);
  await page.mouse.click(at.x + 700, at.y + 400);
  await page.screenshot({ path: join(SCREENS, 'editing-placement.png') });
});

test('context menus for a node, a connection and the canvas, by mouse and by keyboard', async ({ page }) => {
  await openEditor(page);
  await importDocument(page, STACKED, 'menus.json');
  await autoLayout(page, 'm', 'x');

  // Node menu: Duplicate, Disconnect, Run to here, Help, Delete; Escape closes it.
  const q = (await page.getByTestId('node-q').boundingBox())!;
  await page.mouse.click(q.x + 60, q.y + 15, { button: 'right' });
  const menu = page.getByTestId('context-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem')).toHaveText([/Duplicate/, /Disconnect/, /Run to here/, /Help/, /Delete/]);
  await expect(page.getByTestId('menu-duplicate')).toBeFocused();
  await page.screenshot({ path: join(SCREENS, 'editing-node-menu.png') });
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  await page.mouse.click(q.x + 60, q.y + 15, { button: 'right' });
  await page.getByTestId('menu-help').click();
  await expect(page.getByTestId('kind-help')).toContainText('Quantize');
  await expect(page.getByTestId('kind-help')).toContainText('Parameters');
  await page.keyboard.press('Escape');

  await page.mouse.click(q.x + 60, q.y + 15, { button: 'right' });
  await page.getByTestId('menu-disconnect').click();
  await expect.poll(() => edgeCount(page)).toBe(1);
  await page.keyboard.press('Control+z');
  await expect.poll(() => edgeCount(page)).toBe(3);

  // Keyboard: the focused node's menu with Shift+F10, arrows, Enter (Duplicate).
  // Tab order reaches nodes (React Flow's node wrappers are focusable).
  await page.locator('.react-flow__node[data-id="p"]').focus();
  await page.keyboard.press('Shift+F10');
  await expect(page.getByTestId('menu-duplicate')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('menu-disconnect')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-prune-1')).toBeVisible();
  await expectNoOverlap(page);

  // Edge menu: Delete connection (one undo step).
  const edge = page.locator('.react-flow__edge').first();
  const path = (await edge.locator('path.react-flow__edge-path').boundingBox())!;
  await page.mouse.click(path.x + path.width / 2, path.y + path.height / 2, { button: 'right' });
  await expect(page.getByTestId('menu-delete-edge')).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'editing-edge-menu.png') });
  await page.getByTestId('menu-delete-edge').click();
  await expect.poll(() => edgeCount(page)).toBe(2);
  await page.keyboard.press('Control+z');
  await expect.poll(() => edgeCount(page)).toBe(3);

  // Canvas menu: Add node… opens the search there; a click outside closes the menu.
  const empty = await canvasPoint(page, 900, 700);
  await page.mouse.click(empty.x, empty.y, { button: 'right' });
  await expect(page.getByTestId('context-menu').getByRole('menuitem')).toHaveText([/Add node/, /Paste here/, /Auto-layout/, /Add note/, /Add group/]);
  await page.screenshot({ path: join(SCREENS, 'editing-canvas-menu.png') });
  await page.mouse.click(empty.x - 200, empty.y - 100);
  await expect(page.getByTestId('context-menu')).toHaveCount(0);
  await page.mouse.click(empty.x, empty.y, { button: 'right' });
  await page.getByTestId('menu-add-node').click();
  await page.keyboard.type('evaluate');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-evaluate-1')).toBeVisible();

  // Paste here: the copied node goes where the menu was opened.
  await page.getByTestId('node-evaluate-1').click();
  await page.keyboard.press('Control+c');
  const there = await canvasPoint(page, 300, 750);
  await page.mouse.click(there.x, there.y, { button: 'right' });
  await page.getByTestId('menu-paste').click();
  const pasted = (await page.getByTestId('node-evaluate-2').boundingBox())!;
  expect(Math.abs(pasted.x - there.x)).toBeLessThan(60);
  await expectNoOverlap(page);
});

test('auto-layout (ELK) untangles a stacked pipeline as one undo step', async ({ page }) => {
  await openEditor(page);
  await importDocument(page, STACKED, 'stacked.json');
  await page.screenshot({ path: join(SCREENS, 'editing-layout-before.png') });
  await page.keyboard.press('Control+Shift+l');
  await expect.poll(async () => {
    const p = await positions(page);
    return p.x.x - p.m.x;
  }).toBeGreaterThan(600);
  await page.waitForTimeout(500); // the fit-view animation
  await expectNoOverlap(page);
  const after = await nodeBoxes(page);
  // Every edge goes left to right.
  for (const [a, b] of [['m', 'p'], ['p', 'q'], ['q', 'x']]) expect(after.get(b)!.x).toBeGreaterThan(after.get(a)!.x + after.get(a)!.width);
  await page.screenshot({ path: join(SCREENS, 'editing-layout-after.png') });
  const doc = await exportJson(page);
  const xs = (doc.nodes as { position: { x: number } }[]).map((n) => n.position.x);
  expect(new Set(xs).size).toBe(4);

  // One undo puts every node back on the stack.
  await page.keyboard.press('Control+z');
  const undone = await exportJson(page);
  expect((undone.nodes as { position: unknown }[]).map((n) => n.position)).toEqual(STACKED.nodes.map((n) => n.position));
  await page.keyboard.press('Control+Shift+z');
  expect(((await exportJson(page)).nodes as { position: { x: number } }[]).map((n) => n.position.x)).toEqual(xs);
});

test('groups carry their nodes, notes render markdown; both are saved, undone and ignored by runs and the CLI', async ({ page }) => {
  await openEditor(page);
  await importDocument(page, { ...STACKED, nodes: STACKED.nodes.filter((n) => n.id === 'm' || n.id === 'x'), edges: [{ from: ['m', 'model'], to: ['x', 'model'] }] }, 'groups.json');
  await autoLayout(page, 'm', 'x');

  // Select both nodes, then "Group the selected nodes" from the canvas menu.
  await page.getByTestId('node-m').click();
  await page.getByTestId('node-x').click({ modifiers: ['Shift'] });
  const below = await canvasPoint(page, 800, 800);
  await page.mouse.click(below.x, below.y, { button: 'right' });
  await expect(page.getByTestId('menu-add-group')).toHaveText(/Group the selected nodes/);
  await page.getByTestId('menu-add-group').click();
  await expect(page.getByTestId('group-group-1')).toBeVisible();

  // Rename it (double-click the title).
  await page.getByTestId('group-title-group-1').dblclick();
  await page.getByTestId('group-title-input-group-1').fill('Load and export');
  await page.getByTestId('group-title-input-group-1').press('Enter');
  await expect(page.getByTestId('group-title-group-1')).toHaveText('Load and export');

  // Resize it by its corner handle: one undo step.
  await page.getByTestId('group-title-group-1').click();
  const handle = page.locator('.react-flow__node[data-id="group-1"] .react-flow__resize-control.handle.bottom.right');
  await expect(handle).toBeVisible();
  const h = (await handle.boundingBox())!;
  const sizeBefore = ((await exportJson(page)).groups as { size: { width: number; height: number } }[])[0].size;
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(h.x + 60, h.y + 40, { steps: 5 });
  await page.mouse.move(h.x + 120, h.y + 80, { steps: 5 });
  await page.mouse.up();
  const sizeAfter = ((await exportJson(page)).groups as { size: { width: number; height: number } }[])[0].size;
  expect(sizeAfter.width).toBeGreaterThan(sizeBefore.width + 60);
  expect(sizeAfter.height).toBeGreaterThan(sizeBefore.height + 40);
  await page.keyboard.press('Control+z');
  expect(((await exportJson(page)).groups as { size: unknown }[])[0].size).toEqual(sizeBefore);

  // Drag the group by its title: both nodes move by the same amount; one undo puts all back.
  const m0 = (await page.getByTestId('node-m').boundingBox())!;
  const x0 = (await page.getByTestId('node-x').boundingBox())!;
  const title = (await page.getByTestId('group-title-group-1').boundingBox())!;
  await page.mouse.move(title.x + 20, title.y + 8);
  await page.mouse.down();
  await page.mouse.move(title.x + 120, title.y + 88, { steps: 8 });
  await page.mouse.move(title.x + 220, title.y + 158, { steps: 8 });
  await page.mouse.up();
  const m1 = (await page.getByTestId('node-m').boundingBox())!;
  const x1 = (await page.getByTestId('node-x').boundingBox())!;
  expect(Math.round(m1.x - m0.x)).toBe(Math.round(x1.x - x0.x));
  expect(Math.round(m1.y - m0.y)).toBe(Math.round(x1.y - x0.y));
  expect(m1.x - m0.x).toBeGreaterThan(150);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Math.round((await page.getByTestId('node-m').boundingBox())!.x)).toBe(Math.round(m0.x));
  await expect.poll(async () => Math.round((await page.getByTestId('node-x').boundingBox())!.y)).toBe(Math.round(x0.y));
  await page.keyboard.press('Control+Shift+z');

  // A note: Add note from the canvas menu, double-click, write markdown, Ctrl+Enter keeps it.
  const side = await canvasPoint(page, 620, 120);
  await page.mouse.click(side.x, side.y, { button: 'right' });
  await page.getByTestId('menu-add-note').click();
  await page.getByTestId('note-note-1').dblclick();
  await page.getByTestId('note-editor-note-1').fill('# Plan\n- **prune** before quantize\n- keep `top-1` within 1 pt\n<img src=x onerror=alert(1)>');
  await page.getByTestId('note-editor-note-1').press('Control+Enter');
  await expect(page.getByTestId('note-note-1').locator('h1')).toHaveText('Plan');
  await expect(page.getByTestId('note-note-1').locator('strong')).toHaveText('prune');
  // Raw HTML is text, never markup.
  await expect(page.getByTestId('note-note-1').locator('img')).toHaveCount(0);
  await expect(page.getByTestId('note-note-1')).toContainText('<img src=x');
  await page.mouse.click(side.x - 300, side.y + 600);
  await dismissToasts(page);
  await page.screenshot({ path: join(SCREENS, 'editing-group-note.png') });

  // Undo removes the text edit, redo brings it back.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('note-note-1')).toContainText('Double-click to write a note');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('note-note-1').locator('h1')).toHaveText('Plan');

  // Saved in the document: export, re-import, the same bytes; groups and notes come back.
  const doc = await exportJson(page);
  expect(doc.version).toBe(2);
  expect(doc.groups).toEqual([expect.objectContaining({ id: 'group-1', title: 'Load and export' })]);
  expect(doc.notes).toEqual([expect.objectContaining({ id: 'note-1', text: expect.stringContaining('# Plan') })]);
  const file = join(host.workspace, 'decorated.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('btn-new').click();
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('group-title-group-1')).toHaveText('Load and export');
  await expect(page.getByTestId('note-note-1').locator('h1')).toHaveText('Plan');
  expect(await exportJson(page)).toEqual(doc);

  // The CLI validates it as a plain two-node pipeline.
  const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/whittle.js'), 'validate', file], { cwd: host.workspace, env: { ...process.env, WHITTLE_HOME: host.home, FORCE_COLOR: '0' }, encoding: 'utf8', timeout: 90_000 });
  expect(cli.stdout).toContain('valid (2 nodes, 1 edges)');
  expect(cli.status).toBe(0);

  // And a run ignores them: both nodes end done.
  await page.getByTestId('btn-run').click();
  for (const id of ['m', 'x']) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
});

test('wiring into a connected input replaces it explicitly, says what it replaced, and Undo restores it', async ({ page }) => {
  await openEditor(page);
  await importDocument(page, {
    ...STACKED,
    nodes: [
      { id: 'a', kind: 'model.onnx', label: 'Model A', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
      { id: 'b', kind: 'model.onnx', label: 'Model B', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 260 } },
      { id: 'x', kind: 'export', params: {}, position: { x: 420, y: 120 } },
    ],
    edges: [{ from: ['a', 'model'], to: ['x', 'model'] }],
  }, 'replace.json');
  await connectPorts(page, 'port-b-out-model', 'port-x-in-model');
  const toast = page.getByTestId('toast-info');
  await expect(toast).toContainText('Replaced the connection into Export (x)');
  await expect(toast).toContainText('it came from Model A (a) · Model');
  await expect(toast).toContainText('now from Model B (b) · Model');
  await expect(page.getByTestId('toast-action')).toHaveText('Undo');
  await expect.poll(() => edgeCount(page)).toBe(1);
  await expect(page.locator('.react-flow__edge[data-id="b.model->x.model"]')).toHaveCount(1);
  await page.screenshot({ path: join(SCREENS, 'editing-replace-toast.png') });

  await page.getByTestId('toast-action').click();
  await expect(page.locator('.react-flow__edge[data-id="a.model->x.model"]')).toHaveCount(1);
  await expect.poll(() => edgeCount(page)).toBe(1);
  // One step: redo gives the replacement back whole.
  await page.keyboard.press('Control+Shift+z');
  await expect(page.locator('.react-flow__edge[data-id="b.model->x.model"]')).toHaveCount(1);
  await expect.poll(() => edgeCount(page)).toBe(1);
});

test('a drag moves the node on screen and reaches the document when it ends: one undo step, a selection moves together', async ({ page }) => {
  await openEditor(page);
  await importDocument(page, {
    ...STACKED,
    nodes: [
      { id: 'm', kind: 'model.onnx', params: { path: 'models/lenet5.onnx' }, position: { x: 0, y: 0 } },
      { id: 'x', kind: 'export', params: {}, position: { x: 420, y: 0 } },
    ],
    edges: [{ from: ['m', 'model'], to: ['x', 'model'] }],
  }, 'drag.json');
  const before = await positions(page);
  const edgePath = () => page.locator('.react-flow__edge[data-id="m.model->x.model"] path').first().getAttribute('d');
  const pathBefore = await edgePath();

  // One node, many small steps: it follows the pointer (with its edge) before the drop.
  const header = (await page.getByTestId('node-m').locator('.wh-node__header').boundingBox())!;
  const from = { x: header.x + 30, y: header.y + header.height / 2 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + 150, { steps: 12 });
  await expect.poll(async () => Math.round((await page.getByTestId('node-m').boundingBox())!.y - header.y)).toBeGreaterThan(100);
  const pathDuring = await edgePath();
  expect(pathDuring).not.toBe(pathBefore);
  await page.mouse.up();
  // The path drawn during the drag (dragPreview.ts) is the one React Flow draws after the drop.
  const numbers = (d: string | null) => (d ?? '').split(/[^\d.-]+/).filter(Boolean).map(Number);
  await expect.poll(async () => numbers(await edgePath()).length).toBe(numbers(pathDuring).length);
  numbers(await edgePath()).forEach((v, i) => expect(v).toBeCloseTo(numbers(pathDuring)[i], 6));
  const dropped = await positions(page);
  expect(dropped.m.y - before.m.y).toBeGreaterThan(100);
  expect(dropped.x).toEqual(before.x);
  await page.keyboard.press('Control+z');
  expect(await positions(page)).toEqual(before);
  await page.keyboard.press('Control+Shift+z');
  expect(await positions(page)).toEqual(dropped);

  // Two selected nodes dragged by one: both move by the same amount, one undo puts both back.
  await page.getByTestId('node-x').locator('.wh-node__header').click({ modifiers: ['Shift'] });
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);
  const xHeader = (await page.getByTestId('node-x').locator('.wh-node__header').boundingBox())!;
  await page.mouse.move(xHeader.x + 30, xHeader.y + xHeader.height / 2);
  await page.mouse.down();
  await page.mouse.move(xHeader.x + 30, xHeader.y + xHeader.height / 2 + 120, { steps: 10 });
  await page.mouse.up();
  const moved = await positions(page);
  expect(moved.m.y - dropped.m.y).toBeGreaterThan(60);
  expect(moved.x.y - dropped.x.y).toBeCloseTo(moved.m.y - dropped.m.y, 5);
  expect(moved.x.x).toBeCloseTo(dropped.x.x, 5);
  await page.keyboard.press('Control+z');
  expect(await positions(page)).toEqual(dropped);

  // Held at the canvas' edge, the view pans under the drag (React Flow's auto-pan): the node
  // stays on screen near the pointer and lands where it was let go, further than the pointer went.
  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const mHeader = (await page.getByTestId('node-m').locator('.wh-node__header').boundingBox())!;
  await page.mouse.move(mHeader.x + 30, mHeader.y + mHeader.height / 2);
  await page.mouse.down();
  const edge = { x: canvas.x + canvas.width - 10, y: mHeader.y + mHeader.height / 2 };
  await page.mouse.move(edge.x, edge.y, { steps: 10 });
  for (let i = 0; i < 15; i++) await page.mouse.move(edge.x + (i % 2), edge.y);
  const held = (await page.getByTestId('node-m').locator('.wh-node__header').boundingBox())!;
  expect(held.x - mHeader.x).toBeGreaterThan((edge.x - mHeader.x) / 2);
  await expect(page.getByTestId('node-m')).toBeInViewport();
  await page.mouse.up();
  const panned = await positions(page);
  expect(panned.m.x - dropped.m.x).toBeGreaterThan(canvas.width - (mHeader.x - canvas.x));
  await expect(page.getByTestId('node-m')).toBeInViewport();
});
