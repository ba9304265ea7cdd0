// What every dataset node does: build its DatasetValue description, materialize it once
// through openDataset (so a bad path or shape fails here, at its own node), and summarize it.
import { statSync } from 'node:fs';
import type { DatasetValue, NodeResult, Params } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { openDataset } from '../../data/open.ts';
import type { NodeContext } from '../handler.ts';

/** The shuffle/limit params every dataset node shares, as DatasetValue options. */
export function commonOptions(params: Params): Record<string, unknown> {
  return { limit: Number(params.limit ?? 0), shuffle: params.shuffle === true, seed: Number(params.seed ?? 0) };
}

/** Size and modification time of a file, so a changed file gives a different description (and cache key). */
export function fileFingerprint(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    throw new WhittleError('data.not-found', `The file '${path}' does not exist or cannot be read.`, 'Check the path; relative paths are relative to the pipeline file.');
  }
}

export async function datasetNode(ctx: NodeContext, source: string, options: Record<string, unknown>, label: string): Promise<NodeResult> {
  const value: DatasetValue = { type: 'dataset', source, options, label };
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
