// Pack, then prove it in ONNX Runtime: the packed file must load and give the unpacked
// model's outputs. A form ORT refuses (or that changes the outputs) is excluded and the
// stage packs again, with a warning; when no form is left to give up, the node fails
// rather than hand on a model that is not the one it was given.
import type { Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { DataType } from '../../onnx/proto.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { StorageForm } from '../../../shared/reports/pack.ts';
import { packModel, type PackOptions, type PackResult } from './pack.ts';
import { compareOutputs, type Comparison } from './verify.ts';

export interface VerifiedPack extends PackResult {
  comparison: Comparison;
  warnings: string[];
  bytes: Uint8Array;
}

/** What to give up, in order, when the packed model does not load or does not match. */
const FALLBACKS: { forms: StorageForm[]; what: string }[] = [
  { forms: ['codebook-uint4', 'int4'], what: '4-bit types' },
  { forms: ['sparse', 'sparse-codebook'], what: 'sparse initializers' },
  { forms: ['runlength-codebook'], what: 'run-length codebooks' },
  { forms: ['codebook-2bit', 'codebook-1bit'], what: 'bit-packed codebooks' },
  { forms: ['codebook-uint8'], what: 'uint8 codebooks' },
];

/** INT4 -> DequantizeLinear may run through ORT's 4-bit kernels: equal storage, slightly different sums. */
const INT4_RELATIVE_TOLERANCE = 1e-3;

function hasFourBit(model: Model): boolean {
  return model.graph.initializer.some((t) => t.dataType === DataType.UINT4 || t.dataType === DataType.INT4);
}

function problem(result: PackResult, cmp: Comparison): string | undefined {
  if (cmp.identical) return undefined;
  const int4 = result.tensors.some((t) => t.form === 'int4');
  if (int4 && Number.isFinite(cmp.maxAbsDiff) && cmp.maxAbsDiff <= INT4_RELATIVE_TOLERANCE * cmp.maxAbsRef) return undefined;
  return `its outputs differ from the unpacked model's by up to ${cmp.maxAbsDiff.toPrecision(3)}`;
}

export async function packVerified(model: Model, options: PackOptions, ds?: Dataset, signal?: AbortSignal, compareSamples = 256): Promise<VerifiedPack> {
  const unpacked = encodeModel(model);
  const warnings: string[] = [];
  const exclude = [...(options.exclude ?? [])];
  for (let step = 0; ; step++) {
    signal?.throwIfAborted();
    const result = packModel(model, { ...options, exclude, allow4bit: !exclude.includes('int4') });
    const bytes = encodeModel(result.model);
    let failure: string | undefined;
    let comparison: Comparison | undefined;
    try {
      comparison = await compareOutputs(unpacked, bytes, ds, compareSamples);
      failure = problem(result, comparison);
    } catch (err) {
      if (!(err instanceof WhittleError) || err.code !== 'runtime.session-failed') throw err;
      failure = `ONNX Runtime could not load it (${err.message})`;
    }
    if (!failure && comparison) return { ...result, comparison, warnings, bytes };
    const used = new Set<StorageForm>(result.tensors.map((t) => t.form));
    // 4-bit types also hide inside run-length codes: look at the file, not only the forms.
    if (hasFourBit(result.model)) used.add('int4');
    const next = FALLBACKS.find((f) => f.forms.some((x) => used.has(x) && !exclude.includes(x)));
    if (!next || step >= FALLBACKS.length) {
      throw new WhittleError('pack.unverified', `The packed model failed its check in ONNX Runtime: ${failure}.`, 'Pack for another target, or export the model without the storage stage.');
    }
    warnings.push(`The packed model with ${next.what} failed its check: ${failure}. Packed again without ${next.what}.`);
    exclude.push(...next.forms);
  }
}
