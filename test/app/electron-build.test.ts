// The Electron build without the Electron binary: electron-builder's own schema check of
// electron-builder.yml (offline), the afterPack hook flipping the fuses in a binary that
// carries Electron's fuse wire, the app:// URL rules, and the renderer's meta CSP.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import afterPack, { packagedBinary, WHITTLE_FUSES } from '../../scripts/electron-fuses.mjs';
import { APP_ENTRY_URL, isAppUrl, rendererFileFor } from '../../src/main/app/protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/main/app/security.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'whittle-electron-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: object | null): Promise<Record<string, unknown>>;
  validateConfiguration(config: object, debugLogger: object): Promise<void>;
}
const builderConfig = require('app-builder-lib/out/util/config/config.js') as BuilderConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s schema check, with the fuses hook and the current Electron', async () => {
    const config = await builderConfig.getConfig(ROOT, null, null);
    await builderConfig.validateConfiguration(config, new DebugLogger(false));
    expect(config.afterPack).toBe('./scripts/electron-fuses.mjs');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
    expect(config.electronVersion).toBe(pkg.optionalDependencies.electron);
  });

  it('the schema check is real: an unknown option is refused', async () => {
    const config = await builderConfig.getConfig(ROOT, null, null);
    await expect(builderConfig.validateConfiguration({ ...config, linux: { ...(config.linux as object), notAnOption: 1 } }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });
});

/** A stand-in executable holding Electron 45's default fuse wire after the sentinel. */
function fakeElectron(path: string): void {
  const defaults = [1, 0, 1, 1, 0, 0, 0, 1, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));
  const body = Buffer.concat([Buffer.alloc(4096, 7), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, defaults.length, ...defaults]), Buffer.alloc(4096, 7)]);
  writeFileSync(path, body);
}

describe('fuses (afterPack hook)', () => {
  it('turns RunAsNode, NODE_OPTIONS and --inspect off; cookie encryption, asar-only and asar integrity on', async () => {
    const appOutDir = join(dir, 'linux-unpacked');
    mkdirSync(appOutDir);
    const context = { appOutDir, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Whittle' }, executableName: 'whittle' } };
    expect(packagedBinary(context)).toBe(join(appOutDir, 'whittle'));
    fakeElectron(join(appOutDir, 'whittle'));
    await afterPack(context);
    const wire = await getCurrentFuseWire(join(appOutDir, 'whittle'));
    const state = (option: FuseV1Options) => wire[option];
    expect(state(FuseV1Options.RunAsNode)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(FuseState.DISABLE);
    expect(Object.keys(WHITTLE_FUSES)).toContain(String(FuseV1Options.RunAsNode));
  });

  it('names the .app bundle on macOS and the .exe on Windows', () => {
    const packager = { appInfo: { productFilename: 'Whittle' }, executableName: 'whittle' };
    expect(packagedBinary({ appOutDir: '/o', electronPlatformName: 'darwin', arch: 3, packager })).toBe('/o/Whittle.app');
    expect(packagedBinary({ appOutDir: '/o', electronPlatformName: 'win32', arch: 1, packager })).toBe('/o/Whittle.exe');
  });
});

describe('app:// origin and CSP', () => {
  const rendererDir = join(dir, 'renderer');
  it('trusts app://whittle only, never a file: URL or a look-alike', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://whittle/assets/index.js')).toBe(true);
    for (const url of ['file:///opt/Whittle/resources/app.asar/out/renderer/index.html', 'app://evil/index.html', 'app://whittle.evil/x', 'https://whittle/index.html', 'app://user@whittle/', 'not a url']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('maps app:// paths into the renderer folder and nowhere else', () => {
    expect(rendererFileFor('app://whittle/', rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(rendererFileFor('app://whittle/assets/a%20b.js', rendererDir)).toBe(join(rendererDir, 'assets', 'a b.js'));
    // The URL parser resolves '..' and '%2e%2e' segments itself, so they stay inside.
    expect(rendererFileFor('app://whittle/../secret', rendererDir)).toBe(join(rendererDir, 'secret'));
    for (const url of ['app://whittle/%2e%2e%2f%2e%2e/secret', 'app://whittle/..%2fsecret', 'app://whittle/%E0%A4%A', 'app://whittle/a%00b', 'app://other/index.html']) {
      expect(rendererFileFor(url, rendererDir), url).toBeNull();
    }
  });

  it('the meta CSP is as strict as the header: no ws:, object-src none, base-uri none', () => {
    const html = readFileSync(join(ROOT, 'src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(meta).not.toMatch(/ws:|\*/);
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"]) {
      expect(meta).toContain(directive);
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
  });
});
