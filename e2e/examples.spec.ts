// The example gallery in Chromium: every bundled pipeline is offered with its model, its
// steps and the command that runs it headless; the MobileNetV2, distillation, YOLO and ViT
// examples open in the editor with no problems except the board a Profile node needs.
// (Each example runs to completion through `whittle run` in test/cli/examples.test.ts.)
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startHost, type RunningHost } from './helpers/host.ts';
import { canvasZoom } from './helpers/canvas.ts';

const SCREENS = join(REPO_ROOT, 'e2e', 'screens');
let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
  mkdirSync(SCREENS, { recursive: true });
});
test.afterAll(async () => {
  await host?.stop();
});

async function openExample(page: Page, id: string) {
  await page.getByTestId('btn-examples').click();
  await expect(page.getByTestId('examples-gallery')).toBeVisible();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId('examples-gallery')).toHaveCount(0);
}

test('the gallery offers MobileNetV2, distillation, YOLO and ViT pipelines, and each opens in the editor', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await page.getByTestId('btn-examples').click();
  const gallery = page.getByTestId('examples-gallery');
  for (const id of ['mobilenetv2-end-to-end', 'lenet5-distill-mlp', 'yolo-prune-quantize', 'vit-prune-quantize', 'lenet5-compress']) {
    await expect(gallery.getByTestId(`example-${id}`)).toBeVisible();
  }
  const mobilenet = gallery.getByTestId('example-mobilenetv2-end-to-end');
  await expect(mobilenet).toContainText('MobileNetV2');
  await expect(mobilenet.locator('.wh-gallery__step')).toHaveText(['train', 'prune', 'fine-tune', 'quantize', 'profile']);
  await expect(mobilenet).toContainText('whittle run resources/examples/mobilenetv2-end-to-end.json');
  await gallery.screenshot({ path: join(SCREENS, 'examples-gallery.png') });
  await page.keyboard.press('Escape');

  const expected: Record<string, string[]> = {
    'mobilenetv2-end-to-end': ['zoo', 'train', 'prune', 'fine-tune', 'quantize', 'profile'],
    'lenet5-distill-mlp': ['teacher', 'distill', 'quantize'],
    'yolo-prune-quantize': ['yolo', 'prune', 'quantize'],
    'vit-prune-quantize': ['vit', 'prune', 'fine-tune', 'quantize'],
  };
  for (const [id, nodes] of Object.entries(expected)) {
    await openExample(page, id);
    for (const n of nodes) await expect(page.getByTestId(`node-${n}`)).toBeVisible();
    if (id === 'mobilenetv2-end-to-end') await page.getByTestId('canvas').screenshot({ path: join(SCREENS, 'examples-mobilenetv2.png') });
    if (id === 'yolo-prune-quantize') await page.getByTestId('canvas').screenshot({ path: join(SCREENS, 'examples-yolo.png') });
  }
});

/** Titles cut short (an ellipsis, or a third line clamped away) in the canvas as it stands. */
async function cutTitles(page: Page): Promise<string[]> {
  type TitleEl = { textContent: string | null; scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
  return page.locator('.wh-node__title').evaluateAll((els) => (els as unknown as TitleEl[])
    .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
    .map((el) => el.textContent ?? ''));
}

// The README's editor shot (scripts/readme-screenshots.ts, 1600 x 950) fits the start-up
// example into the compact face; its titles read "Host la…" when the title had one line.
test('at fit zoom every bundled example shows whole node titles (the compact face wraps them)', async ({ page }) => {
  test.setTimeout(120_000);
  page.on('dialog', (d) => void d.accept());
  for (const viewport of [{ width: 1600, height: 950 }, { width: 1100, height: 800 }]) {
    await page.setViewportSize(viewport);
    await page.goto(host.url);
    await expect(page.getByTestId('btn-examples')).toBeVisible();
    for (const id of ['lenet5', 'lenet5-compress', 'lenet5-deep-compression', 'lenet5-distill-mlp', 'lenet5-sweep', 'mobilenetv2-end-to-end', 'yolo-prune-quantize', 'vit-prune-quantize']) {
      await openExample(page, id);
      await page.locator('.react-flow__controls-fitview').click();
      await page.waitForTimeout(400); // the fit animation
      if ((await canvasZoom(page)) < 0.8) await expect(page.getByTestId('canvas')).toHaveClass(/wh-canvas--compact/);
      expect(await cutTitles(page), `cut titles in ${id} at ${viewport.width} px`).toEqual([]);
    }
  }
});
