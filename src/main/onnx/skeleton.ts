// Architectures shipped without their weights: a "skeleton" is an exporter's ONNX file whose
// large float initializers were emptied and replaced by their per-row mean and standard
// deviation (metadata `whittle.fixture.skeleton`, made by scripts/make-fixture-skeleton.ts).
// Filling draws seeded Gaussian weights with those statistics, so a 12 MB random-weight
// export ships in a few hundred kilobytes (the model zoo's YOLO, the test fixtures).
import { createHash } from 'node:crypto';
import { WhittleError } from '../../shared/errors.ts';
import { seededRandom } from '../../shared/random.ts';
import { decodeModel, encodeModel, type Tensor } from './model.ts';

/** Metadata key holding the fill plan of a skeleton. */
export const SKELETON_KEY = 'whittle.fixture.skeleton';

/** Initializer name -> [mean, std] per row of axis 0 (one pair when the tensor is a vector). */
export type FillPlan = Record<string, number[]>;

function elements(t: Tensor): number {
  return t.dims.reduce((a, d) => a * Number(d), 1);
}

/** Seed of one tensor: its name (and the caller's seed), so each tensor's values do not depend on the others. */
function seedOf(name: string, seed: number): number {
  return (createHash('sha256').update(name).digest().readUInt32LE(0) ^ seed) >>> 0;
}

/** Rebuild a runnable model from a skeleton: seeded Gaussian weights with the recorded row statistics. */
export function fillSkeleton(bytes: Uint8Array, seed = 0): Uint8Array {
  const model = decodeModel(bytes, 'the model skeleton');
  const at = model.metadataProps.findIndex((p) => p.key === SKELETON_KEY);
  if (at < 0) throw new WhittleError('onnx.not-a-skeleton', 'The file is not a model skeleton: it has no fill plan in its metadata.', 'Use a skeleton made by scripts/make-fixture-skeleton.ts.');
  const plan = JSON.parse(model.metadataProps[at].value ?? '{}') as FillPlan;
  model.metadataProps.splice(at, 1);
  for (const t of model.graph.initializer) {
    const stats = plan[t.name];
    if (!stats) continue;
    const values = new Float32Array(elements(t));
    const rows = stats.length / 2;
    const per = values.length / rows;
    const rand = seededRandom(seedOf(t.name, seed));
    for (let i = 0; i < values.length; i++) {
      const r = Math.floor(i / per);
      // Box-Muller; 1 - u keeps the logarithm finite.
      const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      values[i] = stats[2 * r] + stats[2 * r + 1] * g;
    }
    t.rawData = new Uint8Array(values.buffer);
  }
  return encodeModel(model);
}
