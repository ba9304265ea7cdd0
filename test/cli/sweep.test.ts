// `whittle run` on a swept pipeline as a user runs it: the bundled LeNet-5 sweep (3 sparsities
// x 2 cluster counts) prints its Pareto front as a table, --best exports the most accurate
// variant within the limits (the same bytes as that variant's model in the sweep), and a
// malformed --best is refused before anything runs.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT, runWhittle } from './whittle-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-sweep-'));
const env = { WHITTLE_HOME: join(dir, 'home') };
beforeAll(buildCli);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('whittle run on a sweep', () => {
  it('a malformed --best fails at once, naming the bad part', async () => {
    const r = await runWhittle(['run', 'resources/examples/lenet5-sweep.json', '--best', 'drop<=0.5,latency=fast'], { cwd: ROOT, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The constraint "latency=fast" has no comparison/);
    expect(r.stdout).not.toMatch(/started/);
  });

  it('exports the best variant under the limits, then prints the front from the cache', async () => {
    const out = join(dir, 'out');
    const r = await runWhittle(['run', 'resources/examples/lenet5-sweep.json', '--json', '--out', out, '--best', 'drop<=1,p50<=50ms'], { cwd: ROOT, env });
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.sweep.variants).toHaveLength(6);
    expect(record.sweepSource.nodes.find((n: { id: string }) => n.id === 'prune').sweeps).toBeDefined();
    const best = /Best under drop<=1, p50<=50ms: (v\d) \(prune\.sparsity=([\d.]+), share\.k=(\d+)\)/.exec(r.stderr);
    expect(best, r.stderr).not.toBeNull();
    // 50% sparsity keeps LeNet-5 within a point of its accuracy; 90% does not.
    expect(Number(best![2])).toBeLessThan(0.9);
    const exported = /exported (\S+\.onnx) \(run \S+\)/.exec(r.stderr)!;
    expect(exported[1]).toBe(join(out, 'out', 'lenet5-sweep-best.onnx'));
    // The exported file is the chosen variant's quantized model from the sweep, byte for byte.
    const variant = record.sweep.variants.find((v: { id: string }) => v.id === best![1]);
    expect(record.nodes[variant.nodes.quantize].outputs.model.sha256).toBe(sha(exported[1]));

    const again = await runWhittle(['run', 'resources/examples/lenet5-sweep.json', '--out', out], { cwd: ROOT, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/started/);
    expect(again.stdout).toMatch(/— 6 variants: 6 (done|done with warnings)/);
    expect(again.stdout).toMatch(/Pareto front over accuracy, size, host p50 \(\d of 6\):/);
    expect(again.stdout).toMatch(/variant\s+prune\.sparsity\s+share\.k\s+Accuracy\s+Accuracy drop\s+Size\s+Host p50/);
    expect(again.stdout).toContain(`  ${best![1]} `);
  }, 600_000);
});
