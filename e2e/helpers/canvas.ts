// Canvas gestures for the editor e2e tests: drop a palette kind or a file, connect two ports.
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/** Opens the editor at the host's URL (confirm dialogs accepted) and waits for the palette. */
export async function openEditor(page: Page, url: string): Promise<void> {
  page.on('dialog', (d) => void d.accept());
  await page.goto(url);
  await expect(page.getByTestId('palette-item-model.onnx')).toBeVisible();
}

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas' corner. */
export async function dropKind(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-item-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Drags from an output port to an input port with the mouse, like a user. */
export async function connectPorts(page: Page, from: string, to: string): Promise<void> {
  const source = page.getByTestId(from);
  const target = page.getByTestId(to);
  await expect(source).toBeVisible();
  await expect(target).toBeVisible();
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** The number of edges drawn on the canvas. */
export function edgeCount(page: Page): Promise<number> {
  return page.locator('.react-flow__edge').count();
}

/** Closes every toast (so screenshots show the canvas). */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page.locator('.wh-toast button[aria-label="Dismiss"]');
  // A toast also closes on its own timer: one counted here may be gone before the click, and a
  // plain click would then wait for the next toast until the test times out. Click briefly, look again.
  for (let tries = 0; tries < 20 && (await close.count()) > 0; tries++) await close.first().click({ timeout: 2_000 }).catch(() => undefined);
  await expect(close).toHaveCount(0, { timeout: 15_000 });
}

/**
 * Drops a file from this machine onto the canvas, as a user drags one from their file manager;
 * `at` is the drop point relative to the canvas' corner (none: the event carries no point).
 */
export async function dropFileOnCanvas(page: Page, path: string, name: string, at?: { x: number; y: number }): Promise<void> {
  // Page code as text: the test's own type-check has no DOM types.
  const bytes = JSON.stringify([...readFileSync(path)]);
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(${bytes})], ${JSON.stringify(name)}, { type: 'application/octet-stream' }));
    return dt;
  })()`);
  const canvas = page.getByTestId('canvas');
  const box = at ? (await canvas.boundingBox())! : null;
  const point = box && at ? { clientX: box.x + at.x, clientY: box.y + at.y } : {};
  await canvas.dispatchEvent('dragover', { dataTransfer: transfer, ...point });
  await canvas.dispatchEvent('drop', { dataTransfer: transfer, ...point });
}

/** The canvas zoom (React Flow's viewport scale). */
export async function canvasZoom(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  return Number(/scale\(([0-9.]+)\)/.exec(transform)?.[1] ?? 'NaN');
}
