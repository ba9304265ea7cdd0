// The page opens from the start-up data the browser host writes into it (no app.info,
// catalog.list, autosave.read or documents.open over the socket), and from those calls when
// the page has no data (as in Electron); a document name that would end a script element
// stays text.
import { test, expect, type Page } from '@playwright/test';
import { startHost, type RunningHost } from './helpers/host.ts';

const NAME = 'Start-up </script><script>window.__injected = 1</script> check';
const STARTUP_CALLS = ['app.info', 'catalog.list', 'autosave.read', 'documents.open'];

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost({
    startupDocument: {
      format: 'whittle.pipeline', version: 1, name: NAME,
      nodes: [{ id: 'd', kind: 'dataset.mnist', params: {}, position: { x: 100, y: 100 } }], edges: [],
    },
  });
});
test.afterAll(async () => {
  await host?.stop();
});

/** The names of the calls the page sends over its socket, and how many answers came back. */
function recordCalls(page: Page): { calls: string[]; answers: number } {
  const seen = { calls: [] as string[], answers: 0 };
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => {
      const msg = JSON.parse(String(frame.payload)) as { type?: string; name?: string };
      if (msg.type === 'call' && msg.name) seen.calls.push(msg.name);
    });
    ws.on('framereceived', (frame) => {
      if ((JSON.parse(String(frame.payload)) as { type?: string }).type === 'result') seen.answers++;
    });
  });
  return seen;
}

async function expectDocumentShown(page: Page): Promise<void> {
  await expect(page.getByTestId('node-d')).toBeVisible();
  await expect(page.getByTestId('doc-name')).toHaveValue(NAME);
  await expect(page.getByTestId('palette-item-model.onnx')).toBeVisible();
  expect(await page.evaluate('window.__injected')).toBeUndefined();
}

test('the page starts from the data in it, without the start-up calls', async ({ page }) => {
  const seen = recordCalls(page);
  await page.goto(host.url);
  await expectDocumentShown(page);
  // The socket opens meanwhile and answers what the page asks later (its runs, the checks).
  await expect.poll(() => seen.answers).toBeGreaterThan(0);
  expect(seen.calls.length).toBeGreaterThan(0);
  expect(seen.calls.filter((c) => STARTUP_CALLS.includes(c))).toEqual([]);
});

test('without the data in the page it makes the calls and opens the same document', async ({ page }) => {
  // The element is taken out as the parser adds it, before the app's (deferred) module runs:
  // the page is then as Electron's, which has none. (A page fulfilled by page.route may not
  // open its socket to 127.0.0.1: Chromium's local network access checks.)
  await page.addInitScript(`new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.id === 'whittle-startup-data') { n.remove(); window.__removedStartupData = true; }
  }).observe(document, { childList: true, subtree: true });`);
  const seen = recordCalls(page);
  await page.goto(host.url);
  await expectDocumentShown(page);
  expect(await page.evaluate('window.__removedStartupData')).toBe(true);
  expect(STARTUP_CALLS.filter((c) => !seen.calls.includes(c))).toEqual([]);
});
