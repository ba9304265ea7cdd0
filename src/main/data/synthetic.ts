// Synthetic inputs of a given shape from a seeded generator, for speed-only work (latency,
// throughput) where no real data is at hand; optional random labels.
import { WhittleError } from '../../shared/errors.ts';
import { seededRandom, type Dataset } from './dataset.ts';

export interface SyntheticOptions {
  /** Shape of one sample, without the batch axis. */
  shape: number[];
  count: number;
  seed?: number;
  distribution?: 'uniform' | 'normal';
  /** When above 0, each sample gets a random label in [0, numClasses). */
  numClasses?: number;
}

/** Largest synthetic dataset we build in memory (values), about 1 GiB of float32. */
const MAX_VALUES = 2 ** 28;

export function makeSynthetic(opts: SyntheticOptions): Dataset {
  const { shape, count } = opts;
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new WhittleError('data.bad-shape', `The sample shape [${shape.join(', ')}] must be one or more whole sizes of at least 1.`, 'Write it like 3,224,224 (without the batch axis).');
  }
  if (!Number.isInteger(count) || count < 1) throw new WhittleError('data.bad-count', `The sample count must be a whole number of at least 1 (got ${count}).`);
  const per = shape.reduce((a, b) => a * b, 1);
  if (per * count > MAX_VALUES) {
    throw new WhittleError('data.too-large', `${count} samples of [${shape.join(', ')}] would need ${((per * count * 4) / 2 ** 30).toFixed(1)} GiB.`, 'Use fewer samples: latency needs only a few batches.');
  }
  const rand = seededRandom(opts.seed ?? 0);
  const inputs = new Float32Array(per * count);
  if (opts.distribution === 'normal') {
    // Box-Muller: two uniforms give two independent standard normals.
    for (let i = 0; i < inputs.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - rand()));
      const t = 2 * Math.PI * rand();
      inputs[i] = r * Math.cos(t);
      if (i + 1 < inputs.length) inputs[i + 1] = r * Math.sin(t);
    }
  } else {
    for (let i = 0; i < inputs.length; i++) inputs[i] = rand();
  }
  const ds: Dataset = { name: `synthetic [${shape.join(', ')}]`, size: count, sampleShape: [...shape], inputs };
  const k = opts.numClasses ?? 0;
  if (k > 0) {
    ds.labels = Int32Array.from({ length: count }, () => Math.floor(rand() * k));
    ds.numClasses = k;
  }
  return ds;
}
