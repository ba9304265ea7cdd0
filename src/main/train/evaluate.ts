// Evaluation of the model being trained without re-encoding it: one inference session on
// the source model whose trained initializers are made graph inputs, fed the live values.
import { cloneModel, encodeModel, type Model } from '../onnx/model.ts';
import { makeValueInfo } from '../onnx/graph.ts';
import { createSession, ort } from '../runtime/session.ts';
import { batches, type Dataset } from '../data/dataset.ts';

export interface LiveTensor { dims: number[]; values: Float32Array }

export class LiveEvaluator {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    private readonly live: Map<string, LiveTensor>,
  ) {}

  /** `live` tensors are read at every evaluation (training replaces their values after each step). */
  static async create(source: Model, live: Map<string, LiveTensor>, threads = 0): Promise<LiveEvaluator> {
    const model = cloneModel(source);
    const inits = new Set(model.graph.initializer.map((t) => t.name));
    const fed = new Map<string, LiveTensor>();
    for (const [name, t] of live) {
      if (!inits.has(name)) continue;
      fed.set(name, t);
      // onnxruntime-node only feeds declared inputs (not overridable initializers): make them inputs.
      model.graph.input = model.graph.input.filter((i) => i.name !== name);
      model.graph.input.push(makeValueInfo(name, 1, t.dims));
    }
    model.graph.initializer = model.graph.initializer.filter((t) => !live.has(t.name));
    const session = await createSession(encodeModel(model), { threads });
    const inputName = model.graph.input.find((i) => !inits.has(i.name))!.name;
    return new LiveEvaluator(session, inputName, model.graph.output[0].name, fed);
  }

  /** Top-1 accuracy (when labelled) and mean cross-entropy over `ds`. */
  async evaluate(ds: Dataset, batchSize = 256, signal?: AbortSignal): Promise<{ accuracy: number; loss: number }> {
    let correct = 0;
    let lossSum = 0;
    let seen = 0;
    const params: Record<string, ort.Tensor> = {};
    for (const [name, t] of this.live) params[name] = new ort.Tensor('float32', t.values, t.dims);
    for (const b of batches(ds, batchSize)) {
      if (signal?.aborted) break;
      const x = new ort.Tensor('float32', b.inputs, [b.count, ...ds.sampleShape]);
      // Extra data inputs (models with several inputs) come with the batch, by model input name.
      const extras: Record<string, ort.Tensor> = {};
      for (const e of ds.extraInputs ?? []) extras[e.name] = new ort.Tensor('float32', b.extras![e.name], [b.count, ...e.sampleShape]);
      const out = await this.session.run({ ...params, ...extras, [ds.inputName ?? this.inputName]: x }, [this.outputName]);
      const logits = out[this.outputName].data as Float32Array;
      const classes = logits.length / b.count;
      for (let i = 0; i < b.count; i++) {
        const row = logits.subarray(i * classes, (i + 1) * classes);
        const best = argmax(row);
        if (b.labels) {
          if (best === b.labels[i]) correct++;
          lossSum += crossEntropyRow(row, b.labels[i]);
        }
      }
      seen += b.count;
    }
    return { accuracy: seen ? correct / seen : 0, loss: seen ? lossSum / seen : 0 };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}

export function crossEntropyRow(row: Float32Array, label: number): number {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) max = Math.max(max, row[j]);
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += Math.exp(row[j] - max);
  return Math.log(sum) + max - row[label];
}
