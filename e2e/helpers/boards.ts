// Adding a board in the Devices tab as a user does: the form filled with the loopback sshd's
// address and a key copied into the workspace (the host reads key files only inside its
// roots), then saved. The connection then stops at the host-key review.
import { expect, type Page } from '@playwright/test';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_USER, type SshServer } from '../../test/devices/sshdHarness.ts';

export async function submitBoardForm(page: Page, opts: { name: string; sshd: SshServer; workspace: string; ortPath: string }): Promise<void> {
  await page.getByTestId('device-add').click();
  await page.getByTestId('device-name').fill(opts.name);
  await page.getByTestId('device-host').fill('127.0.0.1');
  await page.getByTestId('device-port').fill(String(opts.sshd.port));
  await page.getByTestId('device-user').fill(TEST_USER);
  await page.getByTestId('device-auth').selectOption('key');
  const key = join(opts.workspace, 'client_ed25519');
  if (!existsSync(key)) copyFileSync(opts.sshd.keyPath, key);
  chmodSync(key, 0o600);
  await page.getByTestId('device-key').fill(key);
  await page.locator('summary', { hasText: 'Runners and timeout' }).click();
  await page.getByTestId('device-ortpath').fill(opts.ortPath);
  await page.getByTestId('device-timeout').fill('5');
  await page.getByTestId('device-save').click();
  await expect(page.getByTestId('hostkey-review')).toBeVisible();
}
