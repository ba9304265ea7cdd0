// Copy, cut, paste and duplicate carry groups and notes, in Chromium at 1600x1000 against the
// browser host: a copied group brings the nodes and note inside it, the pasted group holds the
// pasted copies (not the originals), pasted items are selected and off the originals, and one
// undo takes the whole paste back. Auto-layout moves a note that sits beside a node along
// with it and leaves a note far from everything where it is.
// Screenshots: e2e/screens/editing-paste-group.png, editing-layout-notes.png.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts, openEditor } from './helpers/canvas.ts';
import { edge, node } from './helpers/pipeline.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1000 } });

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');

/** A model and a prune in the group "Front" with a note; an export and a free note outside. */
const GROUPED = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'Grouped',
  nodes: [
    node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 40, 60),
    node('p', 'prune', { sparsity: 0.4 }, 300, 60),
    node('x', 'export', {}, 620, 60),
  ],
  edges: [edge('m', 'model', 'p', 'model'), edge('p', 'model', 'x', 'model')],
  groups: [{ id: 'group-1', title: 'Front', position: { x: 10, y: 0 }, size: { width: 540, height: 360 } }],
  notes: [
    { id: 'note-1', text: '**inside** the group', position: { x: 40, y: 250 }, size: { width: 220, height: 80 } },
    { id: 'note-2', text: 'free note', position: { x: 620, y: 260 }, size: { width: 220, height: 80 } },
  ],
};

type Doc = typeof GROUPED;
type Box = { x: number; y: number; width: number; height: number };

let host: RunningHost;
test.beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  host = await startHost({ startupDocument: GROUPED, withModel: true });
});
test.afterAll(async () => {
  await host?.stop();
});

async function exportJson(page: Page): Promise<Doc> {
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-export').click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as Doc;
}

/** Ids of the items React Flow shows selected. */
function selectedIds(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node.selected').evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { id: string } }).dataset.id).sort());
}

function centreInside(item: Box, group: Box): boolean {
  const cx = item.x + item.width / 2;
  const cy = item.y + item.height / 2;
  return cx >= group.x && cx <= group.x + group.width && cy >= group.y && cy <= group.y + group.height;
}

async function box(page: Page, id: string): Promise<Box> {
  return (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
}

const counts = (d: Doc) => ({ nodes: d.nodes.length, edges: d.edges.length, groups: d.groups?.length ?? 0, notes: d.notes?.length ?? 0 });

test('copy/paste, duplicate and cut carry groups (with their contents) and notes, one undo step each', async ({ page }) => {
  await openEditor(page, host.url);
  await expect(page.getByTestId('group-group-1')).toBeVisible();
  const before = counts(await exportJson(page));
  expect(before).toEqual({ nodes: 3, edges: 2, groups: 1, notes: 2 });

  // Select the group by its title, copy, paste: the group, m, p, their edge and the inner note.
  await page.getByTestId('group-title-group-1').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('group-group-2')).toBeVisible();
  expect(await selectedIds(page)).toEqual(['group-2', 'note-3', 'onnx-1', 'prune-1']);
  const pasted = await exportJson(page);
  expect(counts(pasted)).toEqual({ nodes: 5, edges: 3, groups: 2, notes: 3 });
  expect(pasted.edges).toContainEqual({ from: ['onnx-1', 'model'], to: ['prune-1', 'model'] });
  expect(pasted.notes.find((n) => n.id === 'note-3')?.text).toBe('**inside** the group');
  expect(pasted.nodes.find((n) => n.id === 'prune-1')?.params).toEqual({ sparsity: 0.4 });
  // Off the originals, and the pasted group holds the copies, the original group its own.
  const g1 = await box(page, 'group-1');
  const g2 = await box(page, 'group-2');
  expect(Math.abs(g2.x - g1.x) + Math.abs(g2.y - g1.y)).toBeGreaterThan(30);
  const apart = g2.x >= g1.x + g1.width || g1.x >= g2.x + g2.width || g2.y >= g1.y + g1.height || g1.y >= g2.y + g2.height;
  expect(apart, 'the pasted group lies over the original one').toBe(true);
  for (const id of ['onnx-1', 'prune-1', 'note-3']) expect(centreInside(await box(page, id), g2), `${id} in the pasted group`).toBe(true);
  for (const id of ['m', 'p', 'note-1']) expect(centreInside(await box(page, id), g2), `${id} not in the pasted group`).toBe(false);
  for (const id of ['m', 'p', 'note-1']) expect(centreInside(await box(page, id), g1), `${id} still in its group`).toBe(true);
  // Nothing pasted lands on a node that was there (it would join the pasted group).
  expect(centreInside(await box(page, 'x'), g2)).toBe(false);
  await dismissToasts(page);
  await page.screenshot({ path: join(SCREENS, 'editing-paste-group.png') });

  // One undo takes the whole paste back.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('group-group-2')).toHaveCount(0);
  expect(counts(await exportJson(page))).toEqual(before);

  // Duplicate a free note with a node (Ctrl+D): both come, selected; undo once.
  await page.locator('.react-flow__node[data-id="note-2"]').click();
  await page.getByTestId('node-x').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+d');
  await expect.poll(() => selectedIds(page)).toEqual(['export-1', 'note-3']);
  expect(counts(await exportJson(page))).toEqual({ ...before, nodes: 4, notes: 3 });
  await page.keyboard.press('Control+z');
  await expect.poll(async () => counts(await exportJson(page))).toEqual(before);

  // Cut the group: it goes with what is inside it (x and the free note stay); paste brings all back.
  await page.getByTestId('group-title-group-1').click();
  await page.keyboard.press('Control+x');
  await expect(page.getByTestId('group-group-1')).toHaveCount(0);
  const cut = await exportJson(page);
  expect(cut.nodes.map((n) => n.id)).toEqual(['x']);
  expect(cut.notes.map((n) => n.id)).toEqual(['note-2']);
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('group-group-1')).toBeVisible();
  expect(counts(await exportJson(page))).toEqual({ ...before, edges: 1 });
});

/** A chain stacked top to bottom (auto-layout turns it left to right), a note beside x, one far off. */
const COLUMN = {
  format: 'whittle.pipeline',
  version: 2,
  name: 'Column',
  nodes: [node('m', 'model.onnx', { path: 'models/lenet5.onnx' }, 100, 100), node('p', 'prune', {}, 100, 400), node('x', 'export', {}, 100, 700)],
  edges: [edge('m', 'model', 'p', 'model'), edge('p', 'model', 'x', 'model')],
  notes: [
    { id: 'note-1', text: 'exports **model.onnx**', position: { x: 350, y: 700 }, size: { width: 200, height: 80 } },
    { id: 'note-2', text: 'far away', position: { x: 1400, y: 100 }, size: { width: 200, height: 80 } },
  ],
};

test('auto-layout moves a note beside a node with it and leaves a far note alone', async ({ page }) => {
  await openEditor(page, host.url);
  if (await page.getByTestId('recovery-banner').isVisible()) await page.getByTestId('recovery-discard').click();
  const file = join(host.workspace, 'column.json');
  writeFileSync(file, JSON.stringify(COLUMN));
  await page.getByTestId('import-input').setInputFiles(file);
  // The startup document has three nodes too: wait for the imported one before laying it out (a
  // layout of the startup document, replaced by the import right after, left the column as it was).
  await expect.poll(async () => (await exportJson(page)).name).toBe('Column');
  await expect(page.locator('.react-flow__node-pipeline')).toHaveCount(3);

  await page.getByTestId('btn-auto-layout').click();
  // The first layout of a page starts the 1.6 MB elkjs worker: seconds on a loaded 2-core machine.
  await expect.poll(async () => {
    const d = await exportJson(page);
    return d.nodes.find((n) => n.id === 'x')!.position.x - d.nodes.find((n) => n.id === 'm')!.position.x;
  }, { timeout: 20_000 }).toBeGreaterThan(300);
  const laid = await exportJson(page);
  const x = laid.nodes.find((n) => n.id === 'x')!.position;
  expect(x).not.toEqual({ x: 100, y: 700 });
  expect(laid.notes.find((n) => n.id === 'note-1')!.position).toEqual({ x: x.x + 250, y: x.y });
  expect(laid.notes.find((n) => n.id === 'note-2')!.position).toEqual({ x: 1400, y: 100 });
  await page.waitForTimeout(400); // the fit-view animation
  await dismissToasts(page);
  await page.screenshot({ path: join(SCREENS, 'editing-layout-notes.png') });
});
