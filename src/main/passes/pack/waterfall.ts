// The recipe's waterfall: file and gzip size of each stage (fp32 -> pruned -> shared ->
// packed), ratios against the fp32 file, and top-1 on the test set where it has labels.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Dataset } from '../../data/dataset.ts';
import { evaluateModel } from '../../runtime/evaluate.ts';
import type { PackWaterfallData, WaterfallStage } from '../../../shared/reports/pack.ts';

export interface StageInput {
  stage: string;
  label: string;
  /** The model file (a path) or its bytes. */
  model: string | Uint8Array;
}

export async function measureWaterfall(stages: StageInput[], params: number, ds?: Dataset, signal?: AbortSignal): Promise<PackWaterfallData> {
  const measured: Omit<WaterfallStage, 'rawRatio' | 'gzipRatio'>[] = [];
  for (const s of stages) {
    signal?.throwIfAborted();
    const bytes = typeof s.model === 'string' ? readFileSync(s.model) : s.model;
    const gzipBytes = gzipSync(bytes).length;
    const top1 = ds?.labels ? (await evaluateModel(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), ds, { signal })).top1 : undefined;
    measured.push({ stage: s.stage, label: s.label, fileBytes: bytes.length, gzipBytes, gzipBitsPerWeight: params ? (gzipBytes * 8) / params : 0, ...(top1 === undefined ? {} : { top1 }) });
  }
  // Ratios are against the first stage's raw file: the fp32 model when it is connected.
  const base = measured[0]?.fileBytes ?? 1;
  return { params, stages: measured.map((m) => ({ ...m, rawRatio: base / m.fileBytes, gzipRatio: base / m.gzipBytes })) };
}
