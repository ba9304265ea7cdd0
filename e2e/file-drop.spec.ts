// A model file dragged from the desktop onto the canvas becomes a model node where it was
// dropped. In the browser host the file is uploaded into Whittle/models first; on the desktop
// Whittle uses it where it is, through the preload's `pathForFile` (Electron's
// webUtils.getPathForFile). The Electron binary cannot run here, so the desktop case runs the
// same renderer in the browser host with a stand-in `window.whittle`: the API over the host's
// socket (as the preload's IPC transport would carry it) and `pathForFile` answering for the
// files the test names. A File that is not on disk is refused with a message.
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LENET_FIXTURE, startHost, type RunningHost } from './helpers/host.ts';
import { dismissToasts, dropFileOnCanvas, openEditor } from './helpers/canvas.ts';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
  mkdirSync(join(host.workspace, 'data'), { recursive: true });
  copyFileSync(LENET_FIXTURE, join(host.workspace, 'data', 'on-disk.onnx'));
});
test.afterAll(async () => {
  await host?.stop();
});

/** The node's title bar is under the drop point, as a palette drop holds a node. */
async function expectNodeUnder(page: Page, nodeId: string, at: { x: number; y: number }): Promise<void> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const node = (await page.getByTestId(`node-${nodeId}`).boundingBox())!;
  const header = (await page.getByTestId(`node-${nodeId}`).locator('.wh-node__header').boundingBox())!;
  const x = canvas.x + at.x;
  const y = canvas.y + at.y;
  expect(x).toBeGreaterThanOrEqual(node.x);
  expect(x).toBeLessThanOrEqual(node.x + node.width);
  expect(y).toBeGreaterThanOrEqual(header.y - 1);
  expect(y).toBeLessThanOrEqual(header.y + header.height + 1);
}

test('browser host: an .onnx dropped on the canvas is uploaded and becomes a model node at the drop point', async ({ page }) => {
  await openEditor(page, host.url);
  const at = { x: 420, y: 260 };
  await dropFileOnCanvas(page, LENET_FIXTURE, 'uploaded.onnx', at);
  const node = page.getByTestId('node-onnx-1');
  await expect(node).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('toast-success').last()).toContainText('Added onnx-1');
  await expectNodeUnder(page, 'onnx-1', at);
  const uploaded = join(host.workspace, 'Whittle', 'models', 'uploaded.onnx');
  expect(existsSync(uploaded)).toBe(true);
  await expect(page.getByTestId('param-path')).toHaveValue(uploaded);
  await expect(node).toContainText('uploaded.onnx');
});

/**
 * The desktop preload's object, stood in for in the page: the same API over the host's socket
 * (the wire format of src/shared/api/client.ts) and `pathForFile` for the named files.
 */
function desktopBridgeScript(paths: Record<string, string>): string {
  return `(() => {
    const page = new URL(location.href);
    const ws = new WebSocket('ws://' + page.host + '/api?token=' + encodeURIComponent(page.searchParams.get('token') || ''));
    const ready = new Promise((resolve) => ws.addEventListener('open', resolve));
    const pending = new Map();
    const listeners = new Map();
    let nextId = 1;
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === 'result') { pending.get(msg.id)?.(msg.envelope); pending.delete(msg.id); }
      else for (const listener of listeners.get(msg.name) || []) listener(msg.payload);
    });
    const paths = ${JSON.stringify(paths)};
    window.whittle = {
      door: 'electron',
      async invoke(name, request) {
        await ready;
        const id = nextId++;
        const result = new Promise((resolve) => pending.set(id, resolve));
        ws.send(JSON.stringify({ type: 'call', id, name, request }));
        return result;
      },
      on(event, listener) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event).add(listener);
        return () => listeners.get(event).delete(listener);
      },
      pathForFile(file) { return paths[file.name] || ''; },
    };
  })();`;
}

test('desktop: a dropped .onnx is used where it is (the preload names its path), placed at the drop point; a file not on disk is refused', async ({ page }) => {
  const onDisk = join(host.workspace, 'data', 'on-disk.onnx');
  await page.addInitScript({ content: desktopBridgeScript({ 'on-disk.onnx': onDisk }) });
  await openEditor(page, host.url);
  const at = { x: 500, y: 300 };
  await dropFileOnCanvas(page, onDisk, 'on-disk.onnx', at);
  const node = page.getByTestId('node-onnx-1');
  await expect(node).toBeVisible({ timeout: 20_000 });
  await expectNodeUnder(page, 'onnx-1', at);
  await expect(page.getByTestId('param-path')).toHaveValue(onDisk);
  // Nothing was uploaded: the node reads the file in its folder, and the file checks pass.
  expect(existsSync(join(host.workspace, 'Whittle', 'models', 'on-disk.onnx'))).toBe(false);
  await expect(page.getByTestId('upload-status')).toHaveCount(0);
  await expect(page.getByTestId('node-problems-onnx-1')).toHaveCount(0);
  await expect(node).toContainText('on-disk.onnx');

  // A second model dropped on the same spot goes to the nearest free one.
  await page.getByTestId('canvas').click({ position: { x: 60, y: 60 } });
  await dropFileOnCanvas(page, onDisk, 'on-disk.onnx', at);
  await expect(page.getByTestId('node-onnx-2')).toBeVisible();
  const a = (await node.boundingBox())!;
  const b = (await page.getByTestId('node-onnx-2').boundingBox())!;
  expect(a.y + a.height <= b.y || b.y + b.height <= a.y || a.x + a.width <= b.x || b.x + b.width <= a.x, 'the two dropped nodes overlap').toBe(true);

  // A File the preload has no path for (made in a page, dragged from a browser) is refused.
  await dismissToasts(page);
  await dropFileOnCanvas(page, LENET_FIXTURE, 'from-the-web.onnx', at);
  await expect(page.getByTestId('toast-error').last()).toContainText('Could not add from-the-web.onnx');
  await expect(page.getByTestId('toast-error').last()).toContainText("not a file on this computer's disk");
  await expect(page.getByTestId('node-onnx-3')).toHaveCount(0);
});
