// The desktop app, launched with Playwright's Electron driver where the Electron binary
// is installed (it is an optional dependency; elsewhere this spec is skipped with the
// reason). Checks that the window opens the bundled example from the app:// origin with the
// security baseline, and that a packaged build (electron-builder --dir) has its fuses flipped.
import { _electron as electron, expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const ROOT = join(import.meta.dirname, '..');

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.describe('Electron app', () => {
  test.skip(!binary, `The Electron binary is not installed on this machine (the optional dependency \`electron\` is skipped by npm on Node < 22.12, this is ${process.version}, or its binary could not be downloaded); the browser host specs cover the editor, test/app covers the fuses hook and app:// rules.`);

  test('opens the bundled example with the security baseline in place', async () => {
    test.setTimeout(300_000);
    if (!existsSync(join(ROOT, 'out/main/index.js'))) {
      execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    }
    const home = mkdtempSync(join(tmpdir(), 'whittle-electron-'));
    const app = await electron.launch({ executablePath: binary!, args: [join(ROOT, 'out/main/index.js')], env: { ...process.env, WHITTLE_HOME: home } });
    try {
      const win = await app.firstWindow();
      await expect(win.locator('.react-flow__node')).toHaveCount(2, { timeout: 30_000 });
      const page = await win.evaluate(async () => {
        const w = globalThis as unknown as { whittle: { invoke(n: string, r: unknown): Promise<{ ok: boolean }> }; require?: unknown; process?: unknown; open(url: string): unknown };
        const listed = await w.whittle.invoke('catalog.list', {});
        const unknown = await w.whittle.invoke('no.such.call', {});
        return { keys: Object.keys(w.whittle).sort(), listed: listed.ok, unknown: unknown.ok, require: typeof w.require, process: typeof w.process, popup: w.open('about:blank') };
      });
      expect(page).toEqual({ keys: ['door', 'invoke', 'on'], listed: true, unknown: false, require: 'undefined', process: 'undefined', popup: null });
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wp = BrowserWindow.getAllWindows()[0].webContents.getLastWebPreferences();
        return { contextIsolation: wp?.contextIsolation, sandbox: wp?.sandbox, nodeIntegration: wp?.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      // The page comes from the custom protocol, with the CSP header on its responses.
      expect(win.url()).toBe('app://whittle/index.html');
      const served = await win.evaluate(async () => {
        const r = await fetch('app://whittle/index.html');
        return { csp: r.headers.get('content-security-policy'), origin: (globalThis as unknown as { location: { origin: string } }).location.origin };
      });
      expect(served.csp).toContain("object-src 'none'");
      expect(served.origin).toBe('app://whittle');
      await win.screenshot({ path: join(ROOT, '.tmp/e2e-results/electron-window.png') });
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a packaged build has its fuses flipped by the afterPack hook', async () => {
    test.setTimeout(600_000);
    if (!existsSync(join(ROOT, 'out/main/index.js'))) execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const output = mkdtempSync(join(tmpdir(), 'whittle-packaged-'));
    try {
      // The installed Electron is the one packaged: no download.
      execFileSync('npx', ['electron-builder', '--dir', `-c.electronDist=${dirname(binary!)}`, `-c.directories.output=${output}`], { cwd: ROOT, stdio: 'inherit' });
      const unpacked = readdirSync(output).find((d) => d.endsWith('-unpacked') || d === 'mac' || d === 'mac-arm64');
      expect(unpacked, 'electron-builder made no unpacked app').toBeDefined();
      const dir = join(output, unpacked!);
      const executable = process.platform === 'darwin' ? join(dir, 'Whittle.app') : join(dir, process.platform === 'win32' ? 'Whittle.exe' : 'whittle');
      const wire = await getCurrentFuseWire(executable);
      expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
      // RunAsNode off: ELECTRON_RUN_AS_NODE no longer turns the app into a Node.js.
      if (process.platform === 'linux') {
        const asNode = spawnSync(executable, ['-e', 'console.log("node!")'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 15_000 });
        expect(asNode.stdout).not.toContain('node!');
      }
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  });
});
