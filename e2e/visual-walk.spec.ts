// A new user's first look, checked for what screenshots alone let slip: every enabled button
// is readable (text against its own or inherited background, contrast at least 3:1) and its
// label fits, at 1600x1000 and at 1100x700; the gallery's step chips hold whole steps; the
// file picker draws its icons without an emoji font; a long pipeline name ends in an ellipsis.
import { test, expect, type Page } from '@playwright/test';
import { startHost, type RunningHost } from './helpers/host.ts';
import type { DomEl, DomWindow } from './helpers/dom.ts';

let host: RunningHost;
test.beforeAll(async () => { host = await startHost({ withModel: true }); });
test.afterAll(async () => { await host?.stop(); });

/** Visible, enabled buttons whose text is unreadable on their background or overflows their box. */
function badButtons(page: Page): Promise<{ checked: number; bad: string[] }> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as DomWindow;
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const background = (el: DomEl | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    let checked = 0;
    for (const b of Array.from(document.querySelectorAll('button'))) {
      const box = b.getBoundingClientRect();
      if (b.disabled || box.width === 0 || !b.textContent?.trim() || getComputedStyle(b).visibility === 'hidden') continue;
      checked++;
      const fg = lum(rgba(getComputedStyle(b).color));
      const bg = lum(background(b));
      const contrast = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const name = b.dataset.testid ?? b.textContent.trim().slice(0, 30);
      if (contrast < 3) bad.push(`${name}: contrast ${contrast.toFixed(2)}`);
      if (b.scrollWidth > b.clientWidth + 1 && getComputedStyle(b).overflow !== 'hidden') bad.push(`${name}: text overflows (${b.scrollWidth} > ${b.clientWidth})`);
    }
    return { checked, bad };
  });
}

for (const [width, height] of [[1600, 1000], [1100, 700]]) {
  test(`buttons are readable and their labels fit at ${width}x${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    page.on('dialog', (d) => void d.accept());
    await page.goto(host.url);
    await expect(page.getByTestId('palette-item-model.onnx')).toBeVisible();
    // The app bar's Open model button (once white text on a white button).
    const open = page.getByTestId('open-model');
    const [fg, bg] = await open.evaluate((el) => { const style = (globalThis as unknown as DomWindow).getComputedStyle(el as unknown as DomEl); return [style.color, style.backgroundColor]; });
    expect(fg).not.toBe(bg);
    const first = await badButtons(page);
    expect(first.checked).toBeGreaterThan(10);
    expect(first.bad).toEqual([]);
    for (const tab of ['tab-runs', 'tab-devices', 'tab-editor']) {
      await page.getByTestId(tab).click();
      await page.waitForTimeout(300);
      expect((await badButtons(page)).bad, tab).toEqual([]);
    }
  });
}

test('gallery chips hold whole steps; the picker draws icons without emoji; a long name ends in an ellipsis', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  await page.getByTestId('btn-examples').click();
  const gallery = page.getByTestId('examples-gallery');
  await expect(gallery.getByTestId('example-lenet5-deep-compression')).toBeVisible();
  const chips = await gallery.locator('.wh-gallery__step').allTextContents();
  expect(chips.length).toBeGreaterThan(10);
  for (const chip of chips) expect(chip).not.toMatch(/[()]/);
  const deep = gallery.getByTestId('example-lenet5-deep-compression');
  await expect(deep.locator('strong')).toHaveText('LeNet-5 · Deep Compression');
  await expect(deep.locator('.wh-gallery__step')).toHaveText(['prune', 'fine-tune', 'share', 'fine-tune', 'pack']);
  await page.keyboard.press('Escape');

  await page.getByTestId('btn-open').click();
  const models = page.getByTestId('file-entry-models');
  await expect(models).toBeVisible();
  const entries = await page.getByTestId('file-browser-list').locator('button').allTextContents();
  for (const text of entries) expect(text).not.toMatch(/\p{Extended_Pictographic}/u);
  const icon = (await models.locator('.wh-files__icon--dir').boundingBox())!;
  expect(icon.width).toBeGreaterThan(8);
  await page.keyboard.press('Escape');

  const name = 'A pipeline whose name is far longer than the toolbar has room for, to see it cut';
  const input = page.getByTestId('doc-name');
  await input.fill(name);
  await input.press('Enter');
  await page.getByTestId('canvas').click({ position: { x: 300, y: 300 } });
  await expect(input).toHaveAttribute('title', name);
  expect(await input.evaluate((e) => { const el = e as unknown as DomEl; return [(globalThis as unknown as DomWindow).getComputedStyle(el).textOverflow, el.scrollWidth > el.clientWidth]; })).toEqual(['ellipsis', true]);
});

test('the Devices tab at 1100x700: the profile form\'s selects show their whole choice and none is an empty box', async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 700 });
  page.on('dialog', (d) => void d.accept());
  await page.goto(host.url);
  // A run to profile from (the quickest example: load and export).
  await page.getByTestId('btn-examples').click();
  await page.getByTestId('example-lenet5').click();
  await page.getByTestId('btn-run').click();
  await expect(page.getByTestId('node-export')).toHaveAttribute('data-status', /done|cached/, { timeout: 60_000 });
  await page.getByTestId('tab-devices').click();
  const runner = page.getByTestId('profile-runner');
  await expect(runner).toBeVisible();
  // The chosen option's text, measured in the select's font, plus its padding and arrow (~24 px), fits (it read "Best availab").
  const [needPx, havePx] = await runner.evaluate((e) => {
    const el = e as unknown as DomEl;
    const { document, getComputedStyle } = globalThis as unknown as DomWindow;
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = getComputedStyle(el).font;
    return [ctx.measureText(el.selectedOptions![0].text).width + 24, el.clientWidth];
  });
  expect(havePx).toBeGreaterThanOrEqual(needPx);
  // Before a run is chosen its models' list says what it will hold.
  await expect(page.getByTestId('profile-run')).toHaveValue('');
  await expect(page.getByTestId('profile-run-model').locator('option').first()).toHaveText(/\S/);
});
