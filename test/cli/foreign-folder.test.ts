// Bring your own model on the command line: a pipeline run from a foreign current folder
// with the compiled CLI, outputs in whittle-out/<run> next to it, --allow-path files and
// folders for validate and run (applied before validation), missing files as problems.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LENET_FIXTURE } from '../fixtures-path.ts';
import { buildCli, loadExportPipeline, runWhittle } from './whittle-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-byo-'));
const env = { WHITTLE_HOME: join(dir, 'home'), WHITTLE_USER_DIR: join(dir, 'user') };
const project = join(dir, 'project');
const models = join(dir, 'data', 'models');
const shell = join(dir, 'somewhere', 'else');

beforeAll(() => {
  buildCli();
  for (const d of [project, models, shell]) mkdirSync(d, { recursive: true });
  copyFileSync(LENET_FIXTURE, join(project, 'lenet.onnx'));
  copyFileSync(LENET_FIXTURE, join(models, 'lenet.onnx'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('whittle from a foreign folder', () => {
  it('runs a pipeline from a current folder that is neither the repository nor the pipeline\'s; exports land in whittle-out/<run>', async () => {
    const p = join(project, 'mine.json');
    writeFileSync(p, loadExportPipeline('lenet.onnx'));
    const r = await runWhittle(['run', p, '--json'], { cwd: shell, env });
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('done');
    const exported = join(project, 'whittle-out', record.id, 'out', 'model.onnx');
    expect(record.nodes.save.metrics.exportedPath).toBe(exported);
    expect(existsSync(exported)).toBe(true);
  });

  it('validate reports a missing file as a problem of its node, not "valid"', async () => {
    const p = join(project, 'missing.json');
    writeFileSync(p, loadExportPipeline('not-there.onnx'));
    const r = await runWhittle(['validate', p, '--json'], { cwd: shell, env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.problems).toEqual([expect.objectContaining({ code: 'pipeline.file-missing', nodeId: 'load', param: 'path' })]);
  });
});

describe('--allow-path', () => {
  const outside = join(models, 'lenet.onnx');
  const absolute = join(project, 'absolute.json');
  const climbing = join(project, 'climbing.json');
  beforeAll(() => {
    writeFileSync(absolute, loadExportPipeline(outside));
    writeFileSync(climbing, loadExportPipeline('../data/models/lenet.onnx'));
  });

  it('validate refuses files outside the pipeline folder and names the flag to add', async () => {
    for (const p of [absolute, climbing]) {
      const r = await runWhittle(['validate', p], { cwd: shell, env });
      expect(r.code, p).toBe(1);
      expect(r.stdout).toMatch(/\[load\]/);
    }
    const r = await runWhittle(['validate', absolute], { cwd: shell, env });
    expect(r.stdout).toContain(`--allow-path ${outside}`);
  });

  it('validate accepts them with --allow-path <folder> (absolute and ../ paths alike)', async () => {
    for (const p of [absolute, climbing]) {
      const r = await runWhittle(['validate', p, '--allow-path', join(dir, 'data')], { cwd: shell, env });
      expect(r.code, `${p}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('valid');
    }
  });

  it('run refuses without the flag and runs with --allow-path <folder>', async () => {
    const refused = await runWhittle(['run', absolute], { cwd: shell, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\[load\].*outside/);
    expect(refused.stderr).toContain('--allow-path');
    const r = await runWhittle(['run', absolute, '--json', '--allow-path', models], { cwd: shell, env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('done');
  });

  it('a file given with --allow-path covers only itself', async () => {
    writeFileSync(join(models, 'other.onnx'), 'x');
    const p = join(project, 'other.json');
    writeFileSync(p, loadExportPipeline(join(models, 'other.onnx')));
    const r = await runWhittle(['validate', p, '--allow-path', outside], { cwd: shell, env });
    expect(r.code).toBe(1);
  });
});
