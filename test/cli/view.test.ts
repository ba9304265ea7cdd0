// `whittle view <model.onnx>` through the compiled CLI: clear errors in the terminal for a
// missing file, a file that is not .onnx and a file that is not a model; for a real model,
// the browser host starts on 127.0.0.1 and prints an address that carries the model
// (#view=<path>) and serves the page to the token holder only.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LENET_FIXTURE } from '../fixtures-path.ts';
import { buildCli, ROOT, runWhittle } from './whittle-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-view-cli-'));
const env = { WHITTLE_HOME: join(dir, 'home') };

beforeAll(() => {
  buildCli();
  // The viewer serves the built renderer; `npm test` builds it only after vitest.
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
  copyFileSync(LENET_FIXTURE, join(dir, 'lenet.onnx'));
  writeFileSync(join(dir, 'notes.txt'), 'not a model');
  writeFileSync(join(dir, 'broken.onnx'), 'not a model either');
}, 300_000);

describe('whittle view', () => {
  it('says what is wrong with a missing, non-.onnx or unreadable file and exits 1', async () => {
    const missing = await runWhittle(['view', 'missing.onnx', '--no-browser'], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const text = await runWhittle(['view', 'notes.txt', '--no-browser'], { cwd: dir, env });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('is not an .onnx file');
    const broken = await runWhittle(['view', 'broken.onnx', '--no-browser'], { cwd: dir, env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('not a readable ONNX model');
    const port = await runWhittle(['view', 'lenet.onnx', '--port', 'x', '--no-browser'], { cwd: dir, env });
    expect(port.code).toBe(1);
    expect(port.stderr).toContain('--port');
  }, 120_000);

  it('starts the viewer on 127.0.0.1 with the model in the address, and serves the page with the token only', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/whittle.js'), 'view', 'lenet.onnx', '--no-browser'], { cwd: dir, env: { ...process.env, ...env, WHITTLE_CLI: 'built' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /Whittle model viewer: (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const address = new URL(url);
      expect(address.hostname).toBe('127.0.0.1');
      expect(decodeURIComponent(address.hash)).toBe(`#view=${join(dir, 'lenet.onnx')}`);
      const withToken = await fetch(url.split('#')[0], { redirect: 'manual' });
      expect([200, 303]).toContain(withToken.status);
      const without = await fetch(`${address.origin}/`, { redirect: 'manual' });
      expect(without.status).toBeGreaterThanOrEqual(400);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
