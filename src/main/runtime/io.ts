// How a session's declared inputs meet our data: which input a dataset feeds, whether the
// dataset's sample shape fits it, and random feeds for inputs we only time.
import { WhittleError } from '../../shared/errors.ts';
import { seededRandom } from '../data/dataset.ts';
import { ort } from './session.ts';

export type Dim = number | string;

export interface TensorInfo {
  name: string;
  type: string;
  /** Declared shape; a string is a symbolic dimension, [] means unknown. */
  shape: Dim[];
}

export function sessionInputs(session: ort.InferenceSession): TensorInfo[] {
  return session.inputMetadata.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

export function sessionOutputs(session: ort.InferenceSession): TensorInfo[] {
  return session.outputMetadata.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;
}

/**
 * The one model input a dataset feeds. Models with several inputs cannot be fed from one
 * sample tensor, so that is refused naming the inputs the dataset cannot supply.
 */
export function pickDatasetInput(inputs: TensorInfo[], wanted?: string): TensorInfo {
  if (wanted) {
    const found = inputs.find((i) => i.name === wanted);
    if (!found) {
      throw new WhittleError('runtime.missing-input', `The model has no input named '${wanted}' (its inputs: ${inputs.map((i) => i.name).join(', ') || 'none'}).`, 'Pick one of the model\'s input names, or leave the input name empty to use the only input.');
    }
    return found;
  }
  if (inputs.length === 0) throw new WhittleError('runtime.missing-input', 'The model declares no inputs, so there is nothing to feed the dataset into.');
  if (inputs.length > 1) {
    const rest = inputs.slice(1).map((i) => `'${i.name}' ${formatShape(i.shape)}`).join(', ');
    throw new WhittleError('runtime.missing-input', `The model needs ${inputs.length} inputs but a dataset supplies one: input ${rest} would have no data.`, 'Evaluate a model with a single input, or fold the extra inputs into initializers.');
  }
  return inputs[0];
}

/**
 * Checks that samples of `sampleShape` fit the declared input shape (batch axis first) and
 * returns the batch size the model fixes, or undefined when the batch axis is free.
 */
export function checkSampleShape(input: TensorInfo, sampleShape: number[], datasetName: string): number | undefined {
  if (input.type !== 'float32') {
    throw new WhittleError('runtime.input-type', `The model input '${input.name}' takes ${input.type} values; datasets supply float32.`, 'Evaluate a float32-input model (a quantized model keeps float32 inputs when it uses QDQ).');
  }
  const declared = input.shape;
  if (declared.length === 0) return undefined;
  const expected = `${formatShape(declared)} (batch axis first)`;
  const mismatch = (): WhittleError => new WhittleError(
    'runtime.shape-mismatch',
    `The dataset '${datasetName}' has samples of shape ${formatShape(sampleShape)}, but the model input '${input.name}' expects ${expected}.`,
    'Pick a dataset whose samples match the model input (e.g. resize/crop and NCHW vs NHWC for image folders).',
  );
  if (declared.length !== sampleShape.length + 1) throw mismatch();
  for (let i = 0; i < sampleShape.length; i++) {
    const d = declared[i + 1];
    if (typeof d === 'number' && d > 0 && d !== sampleShape[i]) throw mismatch();
  }
  const batch = declared[0];
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}

/** Resolves a declared shape for timing: the batch axis becomes `batchSize`; other free axes need an override. */
export function concreteShape(input: TensorInfo, batchSize: number, override?: number[]): number[] {
  if (override && override.length > 0) return override;
  if (input.shape.length === 0) {
    throw new WhittleError('runtime.unknown-shape', `The model input '${input.name}' has no declared shape.`, 'Give the input shape explicitly (e.g. 1,3,224,224).');
  }
  return input.shape.map((d, i) => {
    if (typeof d === 'number' && d > 0) {
      if (i === 0 && d !== batchSize) {
        throw new WhittleError('runtime.fixed-batch', `The model input '${input.name}' fixes the batch size to ${d}, but batch size ${batchSize} was asked for.`, `Set the batch size to ${d}.`);
      }
      return d;
    }
    if (i === 0) return batchSize;
    throw new WhittleError('runtime.unknown-shape', `The model input '${input.name}' ${formatShape(input.shape)} has a free axis ${i} ('${d}') that only the batch size cannot fill.`, 'Give the input shape explicitly (e.g. 1,3,224,224).');
  });
}

/** A random (seeded) tensor of the input's type; values only matter for timing. */
export function randomTensor(input: TensorInfo, shape: number[], seed = 1): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(seed);
  // A plain loop, not TypedArray.from({ length }, fn): that one takes ~1 s for 64 images of 224x224.
  const fill = <T extends { [i: number]: number }>(a: T, value: () => number): T => {
    for (let i = 0; i < n; i++) a[i] = value();
    return a;
  };
  switch (input.type) {
    case 'float32': return new ort.Tensor('float32', fill(new Float32Array(n), () => rand() * 2 - 1), shape);
    case 'float64': return new ort.Tensor('float64', fill(new Float64Array(n), () => rand() * 2 - 1), shape);
    case 'int64': return new ort.Tensor('int64', new BigInt64Array(n), shape);
    case 'int32': return new ort.Tensor('int32', new Int32Array(n), shape);
    case 'uint8': return new ort.Tensor('uint8', fill(new Uint8Array(n), () => Math.floor(rand() * 256)), shape);
    case 'int8': return new ort.Tensor('int8', fill(new Int8Array(n), () => Math.floor(rand() * 256) - 128), shape);
    case 'bool': return new ort.Tensor('bool', new Uint8Array(n), shape);
    default:
      throw new WhittleError('runtime.input-type', `The model input '${input.name}' has type ${input.type}, which Whittle cannot generate data for.`);
  }
}
