// The bundled Deep Compression recipe (resources/examples/lenet5-deep-compression.json)
// end to end through the engine, shortened so a test can afford it: 1 epoch on 512 training
// digits for each fine-tune, the rest as bundled. The full recipe (8 + 4 epochs on all 7,996
// digits, where the 40x bar applies) runs in `npm run bench pack`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runDocument } from '../../bench/pack-recipe.ts';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';
import { PACK_LAYERS_KIND, PACK_WATERFALL_KIND, type PackLayersData, type PackWaterfallData } from '../../src/shared/reports/pack.ts';
import { decodeModel } from '../../src/main/onnx/model.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { compareOutputs } from '../../src/main/passes/pack/verify.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';

const EXAMPLE = fileURLToPath(new URL('../../resources/examples/lenet5-deep-compression.json', import.meta.url));

function shortened(): PipelineDocument {
  const parsed = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
  expect(parsed.problems).toEqual([]);
  const doc = parsed.document!;
  for (const n of doc.nodes) {
    if (n.id === 'train') n.params = { ...n.params, limit: 512, shuffle: true, seed: 1 };
    if (n.kind === 'train') n.params = { ...n.params, epochs: 1 };
  }
  return doc;
}

describe('the bundled Deep Compression recipe', () => {
  it('runs prune -> fine-tune -> share -> fine-tune -> pack -> evaluate -> export', async () => {
    const { record, outDir, cleanup } = await runDocument(shortened(), EXAMPLE);
    try {
      expect(record.status).toBe('done');
      for (const n of Object.values(record.nodes)) expect(['done', 'warning']).toContain(n.status === 'done' && n.warnings.length ? 'warning' : n.status);
      const pack = record.nodes.pack;
      expect(pack.warnings).toEqual([]);
      const waterfall = pack.reports.find((r) => r.kind === PACK_WATERFALL_KIND)!.data as PackWaterfallData;
      expect(waterfall.stages.map((s) => s.stage)).toEqual(['fp32', 'pruned', 'shared', 'packed']);
      // One short epoch per fine-tune: the accuracies are real but low; the full recipe's are in the bench.
      for (const s of waterfall.stages) expect(s.top1).toBeGreaterThan(0.1);
      expect(waterfall.stages[0].top1).toBeCloseTo(0.9611, 4);
      const [fp32, , shared, packed] = waterfall.stages;
      expect(fp32.fileBytes).toBe(248_391);
      expect(packed.gzipBytes).toBeLessThan(shared.gzipBytes);
      expect(packed.fileBytes).toBeLessThan(shared.fileBytes / 3);
      // Lossless storage: the packed model scores exactly what the shared one does.
      expect(packed.top1).toBe(shared.top1);
      const layers = pack.reports.find((r) => r.kind === PACK_LAYERS_KIND)!.data as PackLayersData;
      expect(layers.identical).toBe(true);
      expect(layers.tensors.some((t) => t.form === 'codebook-uint4' || t.form === 'runlength-codebook')).toBe(true);

      const exported = readFileSync(join(outDir, 'out/lenet5-packed.onnx'));
      expect(gzipSync(exported).length).toBe(packed.gzipBytes);
      expect(decodeModel(exported).graph.initializer.some((t) => t.dataType === DataType.UINT4)).toBe(true);
      const unpacked = readFileSync((record.nodes['finetune-shared'].outputs.model as ModelValue).path);
      const cmp = await compareOutputs(unpacked, exported, loadMnist('test'), 500);
      expect(cmp.identical).toBe(true);
      expect(record.nodes['eval-packed'].metrics.top1).toBe(packed.top1);
    } finally {
      cleanup();
    }
  }, 600_000);
});
