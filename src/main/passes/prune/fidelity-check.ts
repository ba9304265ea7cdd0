// Fidelity check of the prune and share nodes: the result against its input on the
// validation samples (or seeded random inputs when none are connected). Below the floor, the
// layer whose output parts most from the input model's is named with the param that spares it.
import type { NodeContext } from '../../engine/handler.ts';
import { openDataset } from '../../data/open.ts';
import type { Model } from '../../onnx/model.ts';
import { FIDELITY_FLOOR, fidelityFeeds, fidelityMiss, formatDb, layerSqnr, measureFidelity, type FidelityFigures } from '../fidelity.ts';
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';

/** Samples the check runs on: enough for a stable agreement figure, few enough to stay quick. */
const CHECK_SAMPLES = 64;

export interface PassFidelity {
  /** undefined when the check could not run (see the warning). */
  figures?: FidelityFigures;
  metrics: NodeResult['metrics'];
  /** The warning when the result is under the floor. */
  warning?: string;
}

/**
 * `fix(layer)` names the param that spares the culprit (e.g. `overrides: { "conv1": 0.2 }`).
 * Layer outputs are compared by name, so a layer whose output changed shape (channel
 * pruning) is not ranked.
 */
export async function checkPassFidelity(
  ctx: NodeContext, input: { model: Model; bytes: Uint8Array }, output: Uint8Array, what: string, fix: (layer: string) => string,
): Promise<PassFidelity> {
  const v = ctx.inputs.validation;
  const ds = v && v.type === 'dataset' ? await openDataset(v, ctx.documentDir, { signal: ctx.signal }) : undefined;
  let feeds: Awaited<ReturnType<typeof fidelityFeeds>>;
  try {
    feeds = await fidelityFeeds(input.bytes, ds, CHECK_SAMPLES);
  } catch (err) {
    if (!(err instanceof WhittleError) || !err.code.startsWith('runtime.')) throw err;
    // Unchecked is not the same as faithful: say so, with what makes the check possible.
    return { figures: undefined, metrics: { fidelityOn: 'not measured' }, warning: `${what} could not be checked against its input: ${err.message} Connect validation data (the "Validation data" input) so it can be.` };
  }
  const figures = await measureFidelity(input.bytes, output, feeds);
  const metrics: NodeResult['metrics'] = { outputSqnrDb: Number.isFinite(figures.sqnrDb) ? figures.sqnrDb : figures.sqnrDb > 0 ? 'inf' : '-inf', fidelityOn: figures.on };
  if (figures.agreement !== undefined) metrics.top1Agreement = figures.agreement;
  const missing = fidelityMiss(figures);
  // Random inputs are far from any real data: they magnify differences a trained model never
  // shows on its own inputs (2:4 on LeNet-5: 7.6 dB on noise). The figures are reported, but
  // only real samples can put a result under the floor.
  if (!missing || !ds) return { figures, metrics };
  const layers = input.model.graph.node.filter((n) => ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.opType));
  const sqnr = await layerSqnr(input.bytes, output, layers.map((n) => n.output[0]), feeds);
  // The first layer already under the floor is where the result starts to part from its input.
  const first = layers.find((n) => (sqnr.get(n.output[0]) ?? Infinity) < FIDELITY_FLOOR.sqnrDb);
  const culprit = first ? `; it starts at ${first.opType} '${first.name}' (${formatDb(sqnr.get(first.output[0])!)} at its output): ${fix(first.name)}` : '';
  const warning = `${what} is under the fidelity floor (${FIDELITY_FLOOR.sqnrDb} dB / ${100 * FIDELITY_FLOOR.agreement}% top-1 agreement) against its input: ${missing} on ${figures.on}${culprit}. Fine-tune it afterwards (a Train node) or prune less.`;
  return { figures, metrics, warning };
}
