// Inputs a param setting makes required (`requiredWhen` on a port): static quantize needs
// calibration data, so validation reports it before a run fails, in the library and in
// `whittle validate`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'whittle-required-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quantizeDoc(mode: string | undefined, calibrated: boolean): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: 2, name: 'q',
    nodes: [
      { id: 'model', kind: 'model.zoo', params: {} },
      { id: 'data', kind: 'dataset.mnist', params: { split: 'train' } },
      { id: 'q', kind: 'quantize', params: mode ? { mode } : {} },
    ],
    edges: [
      { from: ['model', 'model'], to: ['q', 'model'] },
      ...(calibrated ? [{ from: ['data', 'dataset'] as [string, string], to: ['q', 'calibration'] as [string, string] }] : []),
    ],
  };
}

const missing = (doc: PipelineDocument) => validateDocument(doc, CATALOG).filter((p) => p.code === 'pipeline.missing-input');

describe('requiredWhen', () => {
  it('static quantize (the default mode) without calibration data is a problem on the node, naming the setting', () => {
    for (const mode of [undefined, 'static']) {
      const problems = missing(quantizeDoc(mode, false));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ nodeId: 'q' });
      expect(problems[0].message).toBe('Node "q" (Quantize) needs its "Calibration data" input connected when Mode is Static int8 (QDQ).');
    }
  });

  it('is no problem once the data is connected, or when the mode needs none', () => {
    expect(missing(quantizeDoc('static', true))).toEqual([]);
    expect(missing(quantizeDoc('dynamic', false))).toEqual([]);
    expect(missing(quantizeDoc('fp16', false))).toEqual([]);
  });

  it('whittle validate reports it and exits 1', async () => {
    const file = join(dir, 'q.json');
    writeFileSync(file, JSON.stringify(quantizeDoc('static', false)));
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/whittle.js'), 'validate', file], { cwd: ROOT, env: { ...process.env, WHITTLE_HOME: join(dir, 'home'), FORCE_COLOR: '0' } });
      let stdout = '';
      child.stdout.on('data', (c) => { stdout += c; });
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 problem');
    expect(r.stdout).toContain('needs its "Calibration data" input connected when Mode is Static int8 (QDQ)');
  });
});
