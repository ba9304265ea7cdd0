// `whittle` as a user installs it: `npm pack` (which runs `prepare`, building out/cli), then
// `npm install -g <tarball> --prefix <tmp>`, then the installed command run from a folder that
// has nothing to do with the repository. Dependencies come from the npm cache when it is warm
// (--prefer-offline) and otherwise from the npm registry only; optional dependencies (electron)
// are left out, and onnxruntime-node's download of CUDA binaries is skipped
// (ONNXRUNTIME_NODE_INSTALL=skip): neither is needed by the CLI.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LENET_FIXTURE } from '../fixtures-path.ts';
import { loadExportPipeline, ROOT, runWhittle } from './whittle-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-global-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync('npm', args, {
  cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' },
});

describe('npm pack + npm install -g', () => {
  it('installs a whittle command that runs a pipeline from any folder', async () => {
    const packDir = join(dir, 'pack');
    mkdirSync(packDir);
    npm(['pack', '--pack-destination', packDir, '--silent'], ROOT);
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const prefix = join(dir, 'prefix');
    npm(['install', '-g', join(packDir, tarball!), '--prefix', prefix, '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund'], dir);
    const bin = join(prefix, 'bin', 'whittle');
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'whittle', 'out', 'cli', 'worker.js'))).toBe(true);

    const project = join(dir, 'project');
    const shell = join(dir, 'shell');
    mkdirSync(project);
    mkdirSync(shell);
    copyFileSync(LENET_FIXTURE, join(project, 'lenet.onnx'));
    writeFileSync(join(project, 'p.json'), loadExportPipeline('lenet.onnx'));
    const env = { WHITTLE_HOME: join(dir, 'home'), WHITTLE_USER_DIR: join(dir, 'user') };
    const r = await runWhittle(['run', join(project, 'p.json'), '--json'], { cwd: shell, env, bin });
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('done');
    expect(existsSync(join(project, 'whittle-out', record.id, 'out', 'model.onnx'))).toBe(true);
    // The bundled examples come with the package and export to the user's Whittle folder.
    const example = join(prefix, 'lib', 'node_modules', 'whittle', 'resources', 'examples', 'lenet5.json');
    const ex = await runWhittle(['run', example, '--json'], { cwd: shell, env, bin });
    expect(ex.code, ex.stderr).toBe(0);
    const exRecord = JSON.parse(ex.stdout);
    expect(exRecord.nodes.export.metrics.exportedPath).toBe(join(dir, 'user', 'exports', exRecord.id, 'out', 'lenet5-mnist.onnx'));
  }, 600_000);
});
