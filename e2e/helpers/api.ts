// One call of the app's API from the page, over the host's socket with the page's token (the
// wire format of src/shared/api/client.ts): what the app itself would read, for assertions.
import type { Page } from '@playwright/test';

export async function callHostApi(page: Page, name: string, request: unknown): Promise<unknown> {
  const envelope = (await page.evaluate(`new Promise((resolve, reject) => {
    const url = new URL(location.href);
    const ws = new WebSocket('ws://' + url.host + '/api?token=' + encodeURIComponent(url.searchParams.get('token') || ''));
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, name: ${JSON.stringify(name)}, request: ${JSON.stringify(request)} })));
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === 'result') { ws.close(); resolve(msg.envelope); }
    });
    ws.addEventListener('error', () => reject(new Error('no socket to the host')));
  })`)) as { ok: true; value: unknown } | { ok: false; error: { message: string } };
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.message}`);
  return envelope.value;
}
