// Issue 12 item 5: the benchmark's "peak memory" is the model's own, measured in a fresh
// process, not the engine's high-water mark that an earlier big node left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';
import { LENET_FIXTURE, MOBILENET_FIXTURE } from '../fixtures-path.ts';
import { statSync } from 'node:fs';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function bench(path: string): Promise<Record<string, unknown>> {
  const spec = findKind('benchmark')!;
  const workDir = mkdtempSync(join(tmpdir(), 'whittle-bench-mem-'));
  dirs.push(workDir);
  const model: ModelValue = { type: 'model', path, sha256: 'x', sizeBytes: statSync(path).size, label: path };
  const ctx: NodeContext = {
    nodeId: 'b', params: { ...Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default])), runs: 10, warmupRuns: 2 },
    inputs: { model }, documentDir: workDir, workDir, signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
  const r = await HANDLERS.benchmark(ctx);
  const note = (r.reports![0].data as { memoryNote: string }).memoryNote;
  return { ...r.metrics, note };
}

describe('benchmark peak memory', () => {
  it('two benchmarks after a big allocation report their models, not the engine high-water mark', async () => {
    // A big earlier node: 800 MB touched in this process raises its high-water mark for good.
    const big = Buffer.alloc(800 * 1024 * 1024, 1);
    expect(big[big.length - 1]).toBe(1);
    const engineHwm = process.resourceUsage().maxRSS * 1024;
    expect(engineHwm).toBeGreaterThan(800 * 1024 * 1024);

    const small = await bench(LENET_FIXTURE);
    const larger = await bench(MOBILENET_FIXTURE);
    for (const m of [small, larger]) {
      expect(m.memoryMeasuredIn).toBe('fresh process');
      expect(m.note).toMatch(/fresh process/);
      expect(m.peakRssBytes as number).toBeLessThan(engineHwm - 500 * 1024 * 1024);
      expect(m.modelPeakBytes as number).toBeGreaterThan(0);
    }
    // Each figure follows its model: MobileNetV2 (14 MB of weights, 224x224 activations) needs more than LeNet-5.
    expect(larger.modelPeakBytes as number).toBeGreaterThan((small.modelPeakBytes as number) + 10 * 1024 * 1024);
  }, 120_000);
});
