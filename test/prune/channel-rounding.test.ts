// Issue 12 item 3: structured pruning keeps channel counts on ONNX Runtime's fast paths by
// default (multiples of 8, never under 8 unless asked); the prune node times the result
// against its input and reports the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMobileNetV2Style } from '../../src/main/onnx/builder/index.ts';
import { pruneChannels, roundKeep } from '../../src/main/passes/prune/structured.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { saveModelFile } from '../../src/main/onnx/file.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';
import { statSync } from 'node:fs';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('channel rounding', () => {
  it('roundKeep: multiples of the step, a floor, narrow groups whole', () => {
    expect(roundKeep(5, 10, 8, 8)).toBe(8);
    expect(roundKeep(12, 24, 8, 8)).toBe(16);
    expect(roundKeep(3, 6, 8, 8)).toBe(6); // a group of 6 is under the floor: left whole
    expect(roundKeep(13, 40, 8, 8)).toBe(16);
    expect(roundKeep(3, 40, 8, 8)).toBe(8);
    expect(roundKeep(3, 10, 1, 1)).toBe(3); // asked for: the exact ratio
  });

  it('the catalog defaults are 8 and 8, with help', () => {
    const p = findKind('prune')!.params;
    expect(p.channelMultiple).toMatchObject({ type: 'number', default: 8 });
    expect(p.minChannels).toMatchObject({ type: 'number', default: 8 });
    expect(p.channelMultiple.help).toMatch(/blocked/);
  });

  it('a depthwise-heavy network pruned with the defaults has no group off a multiple of 8 or under 8', async () => {
    const model = buildMobileNetV2Style({ width: 0.5, inputSize: 64, classes: 10, seed: 2 });
    const exact = pruneChannels(model, { ratio: 0.5, scope: 'global', channelMultiple: 1, minChannels: 1 });
    expect(exact.groups.some((g) => g.kept < g.channels && (g.kept % 8 !== 0 || g.kept < 8))).toBe(true);

    const workDir = mkdtempSync(join(tmpdir(), 'whittle-prune-round-'));
    dirs.push(workDir);
    const path = join(workDir, 'in.onnx');
    saveModelFile(model, path);
    const input: ModelValue = { type: 'model', path, sha256: 'x', sizeBytes: statSync(path).size, label: 'MobileNetV2-style' };
    const spec = findKind('prune')!;
    const params = { ...Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default])), method: 'channels' };
    const ctx: NodeContext = {
      nodeId: 'p', params, inputs: { model: input }, documentDir: workDir, workDir,
      signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
    };
    const r = await HANDLERS.prune(ctx);
    const groups = (r.reports!.find((x) => x.kind === 'prune.groups')!.data as { groups: { kept: number; channels: number }[] }).groups;
    const pruned = groups.filter((g) => g.kept < g.channels);
    expect(pruned.length).toBeGreaterThan(0);
    for (const g of pruned) {
      expect(g.kept % 8).toBe(0);
      expect(g.kept).toBeGreaterThanOrEqual(8);
    }
    expect(r.metrics.macRatio as number).toBeLessThan(1);
    expect(r.metrics.latencyRatio).toBeTypeOf('number');
    expect(r.metrics.speedCheck).toMatch(/1 thread/);
  }, 120_000);
});
