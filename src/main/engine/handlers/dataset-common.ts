// What every dataset node does: describe itself (data/describe.ts), materialize the
// description once through openDataset (so a bad path or shape fails here, at its own
// node), and summarize it.
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { describeDataset, type DatasetKind } from '../../data/describe.ts';
import { openDataset } from '../../data/open.ts';
import type { NodeContext, NodeHandler } from '../handler.ts';

export async function datasetNode(ctx: NodeContext, kind: DatasetKind): Promise<NodeResult> {
  const value = describeDataset(kind, ctx.params, ctx.documentDir);
  ctx.progress(0, 1, 'Loading');
  const ds = await openDataset(value, ctx.documentDir, { signal: ctx.signal, onProgress: (d, t) => ctx.progress(d, t, `Reading ${d}/${t}`) });
  value.size = ds.size;
  value.sampleShape = ds.sampleShape;
  const classCounts: number[] = [];
  if (ds.labels) for (const l of ds.labels) classCounts[l] = (classCounts[l] ?? 0) + 1;
  const metrics: NodeResult['metrics'] = { samples: ds.size, sampleShape: `[${ds.sampleShape.join(', ')}]`, labelled: ds.labels !== undefined };
  if (ds.numClasses !== undefined) metrics.classes = ds.numClasses;
  ctx.progress(1, 1, `${ds.size} samples`);
  return {
    outputs: { dataset: value },
    metrics,
    reports: [{
      kind: 'dataset.summary', title: 'Dataset',
      data: { name: ds.name, size: ds.size, sampleShape: ds.sampleShape, classNames: ds.classNames ?? null, classCounts: Array.from(classCounts, (c) => c ?? 0) },
    }],
  };
}

export function datasetHandler(kind: DatasetKind): NodeHandler {
  return (ctx) => datasetNode(ctx, kind);
}
