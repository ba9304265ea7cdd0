// Running the real `whittle` command in tests: the CLI compiled to out/cli (the same build
// `npm install` and `npm pack` make), started with plain Node from any current folder.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Build out/cli from the current sources (atomic per file, so parallel test files may race). */
export function buildCli(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { stdio: 'inherit' });
}

export interface WhittleResult { code: number | null; stdout: string; stderr: string }

/** Run `<bin> args...` (default: node bin/whittle.js) in `cwd` and collect its output. */
export function runWhittle(args: string[], opts: { cwd: string; env?: Record<string, string>; bin?: string }): Promise<WhittleResult> {
  const [cmd, pre] = opts.bin ? [opts.bin, []] : [process.execPath, [join(ROOT, 'bin/whittle.js')]];
  return new Promise((resolve) => {
    // WHITTLE_CLI=built: the compiled CLI even while other sources change under the test.
    const child = spawn(cmd, [...pre, ...args], { cwd: opts.cwd, env: { ...process.env, FORCE_COLOR: '0', WHITTLE_CLI: 'built', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A two-node pipeline: load `modelPath`, export to `exportPath`. */
export function loadExportPipeline(modelPath: string, exportPath = 'out/model.onnx'): string {
  return JSON.stringify({
    format: 'whittle.pipeline', version: 1, name: 'byo',
    nodes: [{ id: 'load', kind: 'model.onnx', params: { path: modelPath } }, { id: 'save', kind: 'export', params: { path: exportPath } }],
    edges: [{ from: ['load', 'model'], to: ['save', 'model'] }],
  });
}
