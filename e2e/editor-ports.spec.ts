// Port labels on every node kind of the catalog, in the browser host at 1600x1000: one node
// of each kind is added from the palette; on the full face no two port labels overlap
// (Prune's and Quantize's "Model" input and "… model" output used to read "MODELMODEL"),
// none is clipped and each handle is level with its label; on the compact face the labels
// and their band are gone (the node is as tall as its content) and the handles are spread
// along the node's edges. Screenshots: e2e/screens/editor-ports-*.png.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../src/shared/catalog/index.ts';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { canvasZoom as zoom, connectPorts, edgeCount, openEditor } from './helpers/canvas.ts';

test.use({ screenshot: 'only-on-failure', viewport: { width: 1600, height: 1000 } });

const SHOTS = join(REPO_ROOT, 'e2e', 'screens');
let host: RunningHost;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost({ withModel: true });
});
test.afterAll(async () => {
  await host?.stop();
});

type Box = { x: number; y: number; width: number; height: number };
/** The few DOM members read in the page (e2e code is typed without the DOM; casts only, no helpers run there). */
type DomRect = { top: number; bottom: number; height: number };
type DomEl = { dataset: { id?: string }; scrollWidth: number; clientWidth: number; innerText: string; children: ArrayLike<DomEl>; getBoundingClientRect(): DomRect; style: { getPropertyValue(p: string): string } };

/** The most empty space a compact face may keep under its last line (canvas px). */
const MAX_EMPTY_BAND_PX = 6;

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Box, outer: Box): boolean {
  const eps = 0.5;
  return inner.x >= outer.x - eps && inner.y >= outer.y - eps && inner.x + inner.width <= outer.x + outer.width + eps && inner.y + inner.height <= outer.y + outer.height + eps;
}

/** Adds one node of every catalog kind from the palette (Enter places each at a free spot). */
async function addEveryKind(page: Page): Promise<string[]> {
  const ids: string[] = [];
  for (const spec of CATALOG) {
    const before = new Set(await page.locator('.react-flow__node-pipeline').evaluateAll((els) => els.map((el) => (el as unknown as DomEl).dataset.id)));
    await page.getByTestId(`palette-item-${spec.kind}`).press('Enter');
    await expect(page.locator('.react-flow__node-pipeline')).toHaveCount(before.size + 1);
    const now = await page.locator('.react-flow__node-pipeline').evaluateAll((els) => els.map((el) => (el as unknown as DomEl).dataset.id));
    ids.push(now.find((id) => id && !before.has(id))!);
  }
  return ids;
}

/** Every port label of one node on the full face: none overlaps another, none is clipped. */
async function checkFullFace(page: Page, id: string): Promise<void> {
  const node = page.getByTestId(`node-${id}`);
  const nodeBox = (await node.boundingBox())!;
  const labels = await node.locator('.wh-port-label').all();
  const boxes: Box[] = [];
  for (const label of labels) {
    const text = label.locator('.wh-port-label__text');
    const box = (await text.boundingBox())!;
    expect(box, `a port label of ${id} is not drawn`).not.toBeNull();
    expect(inside(box, nodeBox), `a port label of ${id} sticks out of the node`).toBe(true);
    // Not cut short either (no ellipsis, no overflow inside the label).
    expect(await text.evaluate((el) => (el as unknown as DomEl).scrollWidth <= (el as unknown as DomEl).clientWidth + 1)).toBe(true);
    const handle = (await label.locator('.react-flow__handle').boundingBox())!;
    const mid = handle.y + handle.height / 2;
    expect(mid, `the handle of a port of ${id} is not level with its label`).toBeGreaterThanOrEqual(box.y - 2);
    expect(mid).toBeLessThanOrEqual(box.y + box.height + 2);
    boxes.push(box);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) expect(intersects(boxes[i], boxes[j]), `port labels ${i} and ${j} of ${id} overlap`).toBe(false);
  }
}

/**
 * The compact face of one node: no port label shows, every box it shows has text (a box of
 * nothing is an empty band), its boxes follow one another with no gap, the node ends within
 * MAX_EMPTY_BAND_PX of its last line (no band kept for the handles: Evaluate's three inputs
 * used to leave one under its title), and its handles sit on its edges without overlapping.
 */
async function checkCompactFace(page: Page, id: string): Promise<void> {
  const node = page.getByTestId(`node-${id}`);
  await expect(node.locator('.wh-port-label__text').first()).toBeHidden();
  const layout = await node.evaluate((node) => {
    const el = node as unknown as DomEl;
    const top = el.getBoundingClientRect();
    const shown = Array.from(el.children).filter((c) => c.getBoundingClientRect().height > 0);
    const blocks = shown.map((c) => c.getBoundingClientRect()).sort((a, b) => a.top - b.top);
    const gaps = blocks.slice(1).map((r, i) => r.top - blocks[i].bottom);
    const textless = shown.filter((c) => c.innerText.trim() === '').length;
    return { nodeTop: top.top, nodeBottom: top.bottom, firstTop: blocks[0].top, lastBottom: blocks[blocks.length - 1].bottom, gaps, textless };
  });
  const z = await zoom(page);
  expect(layout.textless, `a box without text in the compact face of ${id}`).toBe(0);
  expect(Math.max(0, ...layout.gaps) / z, `an empty band in the compact face of ${id}`).toBeLessThanOrEqual(2);
  expect((layout.firstTop - layout.nodeTop) / z).toBeLessThanOrEqual(2);
  expect((layout.nodeBottom - layout.lastBottom) / z, `an empty band under the last line of the compact node ${id}`).toBeLessThanOrEqual(MAX_EMPTY_BAND_PX);
  const nodeBox = (await node.boundingBox())!;
  for (const side of ['left', 'right']) {
    const handles = await node.locator(`.react-flow__handle-${side}`).all();
    const boxes: Box[] = [];
    for (const h of handles) boxes.push((await h.boundingBox())!);
    for (const b of boxes) expect(b.y >= nodeBox.y && b.y + b.height <= nodeBox.y + nodeBox.height, `a ${side} handle of ${id} is off the node`).toBe(true);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(intersects(boxes[i], boxes[j]), `${side} handles of ${id} overlap`).toBe(false);
  }
}

test('port labels of every node kind neither overlap nor clip, on the full and the compact face', async ({ page }) => {
  test.setTimeout(180_000);
  await openEditor(page, host.url);
  const ids = await addEveryKind(page);
  expect(ids).toHaveLength(CATALOG.length);

  // Full face (boxes are measured off screen too).
  await expect(page.getByTestId('canvas')).not.toHaveClass(/wh-canvas--compact/);
  for (const id of ids) await checkFullFace(page, id);
  const prune = ids[CATALOG.findIndex((k) => k.kind === 'prune')];
  const quantize = ids[CATALOG.findIndex((k) => k.kind === 'quantize')];
  await page.getByTestId(`node-${prune}`).screenshot({ path: join(SHOTS, 'editor-ports-prune.png') });
  await page.getByTestId(`node-${quantize}`).screenshot({ path: join(SHOTS, 'editor-ports-quantize.png') });

  // Handles still wire: Prune's output into Quantize's input.
  const edgesBefore = await edgeCount(page);
  await connectPorts(page, `port-${prune}-out-model`, `port-${quantize}-in-model`);
  await expect.poll(() => edgeCount(page)).toBe(edgesBefore + 1);

  // Compact face: zoom out below 0.8.
  const zoomOut = page.locator('.react-flow__controls-zoomout');
  while ((await zoom(page)) >= 0.8) await zoomOut.click();
  await expect(page.getByTestId('canvas')).toHaveClass(/wh-canvas--compact/);
  for (const id of ids) await checkCompactFace(page, id);
  await page.screenshot({ path: join(SHOTS, 'editor-ports-compact.png') });
});
