// `whittle inspect`: the table for the LeNet-5 fixture, --json through the real CLI, and a
// clear error (exit 1, no stack) for a file that is not a model.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatInspection } from '../../src/main/cli/commands/inspect.ts';
import { inspectModelPath } from '../../src/main/api/inspect.ts';
import { buildResNet } from '../../src/main/onnx/builder/index.ts';
import { saveModelFile } from '../../src/main/onnx/file.ts';
import { modelStats } from '../../src/main/onnx/stats.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/whittle.js', import.meta.url));
const LENET = LENET_FIXTURE;
const dir = mkdtempSync(join(tmpdir(), 'whittle-inspect-'));

describe('whittle inspect', () => {
  it('prints per-layer rows and the totals of LeNet-5', () => {
    const text = formatInspection(inspectModelPath(LENET), 'lenet5.onnx');
    expect(text).toMatch(/\/c2\/Conv\s+Conv\s+\[16,6,5,5\]\s+\[1,16,10,10\]\s+2,416\s+2,416\s+0\.0%\s+240,000/);
    expect(text).toMatch(/total\s+61,706\s+61,706\s+0\.0%\s+416,520/);
    expect(text).toContain('input: float[N,1,28,28]');
    expect(text).toContain('opset 13');
  });

  it('--json through the CLI gives the same figures as modelStats', async () => {
    const model = buildResNet({ depth: 'small' });
    const path = join(dir, 'resnet-small.onnx');
    saveModelFile(model, path);
    const { stdout } = await run(process.execPath, [BIN, 'inspect', path, '--json']);
    const json = JSON.parse(stdout);
    const expected = modelStats(model);
    expect(json.params).toBe(expected.params);
    expect(json.macs).toBe(expected.macs);
    expect(json.layers.length).toBe(expected.layers.length);
    expect(json.gzipSizeBytes).toBeGreaterThan(0);
  });

  it('a file that is not a model: exit 1 and one clear message', async () => {
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, 'this is not a model');
    const err = await run(process.execPath, [BIN, 'inspect', bad]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/^whittle: The model file 'bad.onnx' (is not a readable ONNX model|decodes as protobuf but is not an ONNX model)/);
    expect((err as { stderr: string }).stderr).not.toContain('    at ');
  });
});
