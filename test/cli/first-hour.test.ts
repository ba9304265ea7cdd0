// A user's first hour with the CLI, in a folder with spaces, parentheses and a non-ASCII
// model name: the --allow-path flags `validate` suggests paste back into a shell as they are
// (../ paths included), and an unwritable --out or export folder is a clear error, not errno.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, LENET_FIXTURE } from '../fixtures-path.ts';
import { buildCli, loadExportPipeline, ROOT, runWhittle } from './whittle-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-first-hour-'));
const env = { WHITTLE_HOME: join(dir, 'home'), WHITTLE_USER_DIR: join(dir, 'user') };
const folder = join(dir, 'user home', 'My Models (v2)');
const sub = join(folder, 'pipelines');

beforeAll(() => {
  buildCli();
  mkdirSync(sub, { recursive: true });
  copyFileSync(LENET_FIXTURE, join(folder, 'modèle.onnx'));
  writeFileSync(join(folder, 'blocker'), 'a file where a folder would go');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a ../ model path from a folder with spaces and parentheses', () => {
  it('validate names the --allow-path flag to add, and the flag pasted into a shell makes it valid', async () => {
    const p = join(sub, 'up.json');
    writeFileSync(p, loadExportPipeline('../modèle.onnx'));
    const r = await runWhittle(['validate', p], { cwd: folder, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`[load] ${join(folder, 'modèle.onnx')}`);
    const flags = /run again with: (.*)$/m.exec(r.stdout)?.[1];
    expect(flags, r.stdout).toContain('--allow-path');
    const again = execFileSync('bash', ['-c', `"$0" "$1" validate "$2" ${flags}`, process.execPath, join(ROOT, 'bin/whittle.js'), p], {
      cwd: folder, env: { ...process.env, ...env, WHITTLE_CLI: 'built', FORCE_COLOR: '0' }, encoding: 'utf8',
    });
    expect(again).toContain('valid (2 nodes, 1 edges)');
  });
});

describe('outputs that cannot be written', () => {
  it('run --out under a file fails before anything runs, naming --out', async () => {
    const p = join(folder, 'save.json');
    writeFileSync(p, loadExportPipeline('modèle.onnx'));
    const r = await runWhittle(['run', p, '--out', join(folder, 'blocker', 'out')], { cwd: folder, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out .*blocker\/out is not a folder Whittle can write to \(ENOTDIR\)/);
    expect(r.stderr).toContain('hint:');
    expect(r.stdout).not.toContain('[load]');
  });

  it('an export whose folder cannot be made fails its node with a WhittleError, not a bare errno', async () => {
    const p = join(folder, 'blocked.json');
    writeFileSync(p, loadExportPipeline('modèle.onnx', 'blocker/model.onnx'));
    const r = await runWhittle(['run', p, '--json', '--out', folder], { cwd: folder, env });
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record.nodes.save.status).toBe('failed');
    expect(record.nodes.save.error).toMatchObject({ code: 'export.write-failed' });
    expect(record.nodes.save.error.message).toMatch(/a file is in the way of its folder, (EEXIST|ENOTDIR)/);
  });
});

describe('typos in a hand-written pipeline', () => {
  it('validate suggests the node kind and the param the user meant', async () => {
    const doc = JSON.parse(loadExportPipeline('modèle.onnx'));
    doc.nodes.push({ id: 'p', kind: 'prunne', params: {} }, { id: 'q', kind: 'prune', params: { minsize: 10 } });
    const p = join(folder, 'typos.json');
    writeFileSync(p, JSON.stringify(doc));
    const r = await runWhittle(['validate', p], { cwd: folder, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[p\] Node "p" has the unknown kind "prunne"\.\n\s+hint: Did you mean "prune"\?/);
    expect(r.stdout).toMatch(/\[q\] Node "q" \(Prune\) has no parameter "minsize"\.\n\s+hint: Did you mean "minSize"\?/);
  });
});

describe('a ViT quantized dynamically', () => {
  it('keeps its MAC count: the MatMulIntegers after DynamicQuantizeLinear have shapes (it read 50 k, "48x fewer MACs")', async () => {
    copyFileSync(fixtureModel('vit-tiny-mnist-trained.onnx'), join(folder, 'vit.onnx'));
    const p = join(folder, 'vit-int8.json');
    writeFileSync(p, JSON.stringify({
      format: 'whittle.pipeline', version: 2, name: 'vit int8',
      nodes: [
        { id: 'load', kind: 'model.onnx', params: { path: 'vit.onnx' } },
        { id: 'q', kind: 'quantize', params: { mode: 'dynamic', perChannel: true } },
        { id: 'save', kind: 'export', params: { path: 'vit-int8.onnx' } },
      ],
      edges: [{ from: ['load', 'model'], to: ['q', 'model'] }, { from: ['q', 'model'], to: ['save', 'model'] }],
    }));
    const run = await runWhittle(['run', p, '--out', folder], { cwd: folder, env });
    expect(run.code, run.stderr).toBe(0);
    const stats = async (file: string) => JSON.parse((await runWhittle(['inspect', file, '--json'], { cwd: folder, env })).stdout);
    const [fp32, int8] = [await stats('vit.onnx'), await stats('vit-int8.onnx')];
    expect(int8.opsHistogram.MatMulInteger).toBeGreaterThan(0);
    expect(int8.macsUnknownLayers).toBe(0);
    expect(int8.macs).toBe(fp32.macs);
  }, 120_000);
});
