// `npm run bench sweep-plan`: what planning a sweep costs before any node runs — expanding
// the swept document into variants (expandSweeps) and validating the expansion — and how
// many nodes the expansion keeps shared, for the issue-16 recipe shape (load, data, prune x
// share x quantize, evaluate and benchmark per variant) at 48 and 1,000 variants, and for a
// Latin-hypercube sample of 64 out of 30,000 combinations.
import { CATALOG } from '../src/shared/catalog/index.ts';
import { PIPELINE_VERSION, type PipelineDocument } from '../src/shared/pipeline/document.ts';
import { expandSweeps } from '../src/shared/pipeline/sweep.ts';
import type { SweepSettings, SweepSpec } from '../src/shared/pipeline/sweep-spec.ts';
import { validateDocument } from '../src/shared/pipeline/validate.ts';

const e = (a: string, ap: string, b: string, bp: string) => ({ from: [a, ap] as [string, string], to: [b, bp] as [string, string] });

function recipe(sparsity: SweepSpec, k: SweepSpec, mode: SweepSpec, sweep: SweepSettings): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: PIPELINE_VERSION, name: 'recipe', sweep,
    nodes: [
      { id: 'model', kind: 'model.onnx', params: { path: 'models/m.onnx' } },
      { id: 'test', kind: 'dataset.mnist', params: { split: 'test' } },
      { id: 'calibration', kind: 'dataset.mnist', params: { split: 'train', limit: 256 } },
      { id: 'prune', kind: 'prune', params: {}, sweeps: { sparsity } },
      { id: 'share', kind: 'share', params: {}, sweeps: { k } },
      { id: 'quantize', kind: 'quantize', params: {}, sweeps: { mode } },
      { id: 'eval', kind: 'evaluate', params: {} },
      { id: 'bench', kind: 'benchmark', params: {} },
      { id: 'export', kind: 'export', params: { path: 'out/best.onnx' } },
    ],
    edges: [
      e('model', 'model', 'prune', 'model'), e('prune', 'model', 'share', 'model'), e('share', 'model', 'quantize', 'model'),
      e('calibration', 'dataset', 'quantize', 'calibration'), e('quantize', 'model', 'eval', 'model'), e('test', 'dataset', 'eval', 'dataset'),
      e('quantize', 'model', 'bench', 'model'), e('quantize', 'model', 'export', 'model'),
    ],
  };
}

function row(label: string, doc: PipelineDocument): void {
  const t0 = performance.now();
  const { document, plan } = expandSweeps(doc, CATALOG);
  const t1 = performance.now();
  const problems = validateDocument(document, CATALOG, { documentDir: '/proj' });
  const t2 = performance.now();
  const shared = document.nodes.filter((n) => !n.id.includes('@')).length;
  const perVariant = plan!.variants.length * (doc.nodes.length - shared - plan!.deferred.length);
  console.log(`| ${label} | ${plan!.productSize} | ${plan!.variants.length} | ${document.nodes.length} | ${shared} | ${perVariant - (document.nodes.length - shared)} | ${(t1 - t0).toFixed(1)} | ${(t2 - t1).toFixed(1)} | ${problems.length} |`);
}

export default async function main(): Promise<void> {
  const product: SweepSettings = { sampling: 'product', maxVariants: 1000, seed: 1 };
  const list = (...values: (number | string)[]): SweepSpec => ({ kind: 'list', values });
  const modes = list('static', 'dynamic', 'fp16');
  console.log('| sweep | combinations | variants | nodes planned | shared once | clones saved by sharing | expand ms | validate ms | problems |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  // The bench-sweep shape: 4 sparsities x 4 cluster counts x 3 quantize modes = 48.
  row('48: 4 x 4 x 3', recipe(list(0.3, 0.5, 0.7, 0.9), list(4, 8, 16, 32), modes, product));
  row('1,000: 10 x 25 x 4', recipe({ kind: 'linear', start: 0, stop: 0.9, steps: 10 }, { kind: 'linear', start: 2, stop: 200, steps: 25 }, list('static', 'dynamic', 'fp16', 'int4'), product));
  row('LHS 64 of 100 x 100 x 3', recipe({ kind: 'linear', start: 0, stop: 0.95, steps: 100 }, { kind: 'linear', start: 2, stop: 256, steps: 100 }, modes, { sampling: 'lhs', maxVariants: 64, seed: 1 }));
}
