// One training step = one ONNX Runtime run of the training graph (forward, backward and the
// optimizer update, see optimizer-graph.ts), plus one run of the teacher when distilling.
// Sessions are created once; new parameters and optimizer state come out of a run and are fed
// straight back into the next one, so JS only assembles the batch.
import { encodeModel, cloneModel, type Model } from '../onnx/model.ts';
import { onnx } from '../onnx/proto.ts';
import { createSession, ort } from '../runtime/session.ts';
import type { TrainGraph } from './training-graph.ts';
import type { OptimizerSpec } from './optimizers.ts';
import { applyMask, type MaskSet } from './constraints.ts';
import type { LiveTensor } from './evaluate.ts';
import { appendOptimizer, optimizerScalars, type OptimizerSlots } from './optimizer-graph.ts';

export interface StepOutcome {
  loss: number;
  correct: number;
}

export interface StepTiming {
  /** Time inside session.run (training graph and teacher). */
  ortMs: number;
  /** Whole steps: batch assembly, augmentation, runs, bookkeeping (kept by the training loop). */
  totalMs: number;
  steps: number;
}

interface TeacherRun { session: ort.InferenceSession; input: string; outputs: string[] }

export class TrainStep {
  /** Parameters and BN running statistics by initializer name; `values` is replaced after every step. */
  readonly live = new Map<string, LiveTensor>();
  readonly timing: StepTiming = { ortMs: 0, totalMs: 0, steps: 0 };
  readonly dataBuffer: Float32Array;
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly oneHot?: Float32Array;
  private updates = 0;

  private constructor(
    readonly graph: TrainGraph,
    private readonly slots: OptimizerSlots,
    private readonly session: ort.InferenceSession,
    private readonly teacher: TeacherRun | undefined,
    private readonly optimizer: OptimizerSpec,
  ) {
    const n = graph.batchSize;
    this.dataBuffer = new Float32Array(n * graph.sampleShape.reduce((a, b) => a * b, 1));
    this.feeds[graph.dataInput] = new ort.Tensor('float32', this.dataBuffer, [n, ...graph.sampleShape]);
    if (graph.labelInput) {
      this.oneHot = new Float32Array(n * graph.numClasses);
      this.feeds[graph.labelInput] = new ort.Tensor('float32', this.oneHot, [n, graph.numClasses]);
    }
    for (const s of slots.state) this.feeds[s.input] = new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims);
  }

  static async create(graph: TrainGraph, opts: {
    optimizer: OptimizerSpec; masks: MaskSet; clipNorm?: number; threads?: number;
    teacher?: Model; teacherFeatures?: string[]; runningStats: Map<string, LiveTensor>;
  }): Promise<TrainStep> {
    const slots = appendOptimizer(graph, opts.optimizer, opts.masks, opts.clipNorm ?? 0);
    const session = await createSession(encodeModel(graph.model), { threads: opts.threads ?? 0 });
    let teacher: TeacherRun | undefined;
    if (opts.teacher) {
      const t = cloneModel(opts.teacher);
      const outputs = [t.graph.output[0].name, ...(opts.teacherFeatures ?? [])];
      for (const f of opts.teacherFeatures ?? []) if (!t.graph.output.some((o) => o.name === f)) t.graph.output.push(onnx.ValueInfoProto.create({ name: f }));
      const inits = new Set(t.graph.initializer.map((i) => i.name));
      const input = t.graph.input.find((i) => !inits.has(i.name))!.name;
      teacher = { session: await createSession(encodeModel(t), { threads: opts.threads ?? 0 }), input, outputs };
    }
    const step = new TrainStep(graph, slots, session, teacher, opts.optimizer);
    for (const p of graph.params) {
      const values = p.values.slice();
      const mask = opts.masks.get(p.name);
      if (mask) applyMask(values, mask);
      step.live.set(p.name, { dims: p.dims, values });
      step.feeds[p.name] = new ort.Tensor('float32', values, p.dims);
    }
    for (const [name, t] of opts.runningStats) step.live.set(name, t);
    return step;
  }

  /** Run forward, backward and the update on the batch already in `dataBuffer`, at rate `lr`. */
  async run(labels: Int32Array | undefined, lr: number): Promise<StepOutcome> {
    const g = this.graph;
    if (this.oneHot && labels) {
      this.oneHot.fill(0);
      for (let i = 0; i < labels.length; i++) this.oneHot[i * g.numClasses + labels[i]] = 1;
    }
    let ortMs = 0;
    if (this.teacher) {
      const ts = performance.now();
      const out = await this.teacher.session.run({ [this.teacher.input]: this.feeds[g.dataInput] }, this.teacher.outputs);
      ortMs += performance.now() - ts;
      if (g.teacherInput) this.feeds[g.teacherInput] = out[this.teacher.outputs[0]];
      g.featureInputs.forEach((name, i) => { this.feeds[name] = out[this.teacher!.outputs[i + 1]]; });
    }
    const scalars = optimizerScalars(this.optimizer, this.updates + 1, lr);
    for (const name of this.slots.scalars) {
      // Scalar tensors are made once and rewritten in place: a step allocates nothing on our side.
      const t = (this.feeds[name] ??= new ort.Tensor('float32', new Float32Array(1), []));
      (t.data as Float32Array)[0] = scalars[name];
    }
    const ts = performance.now();
    const out = await this.session.run(this.feeds);
    ortMs += performance.now() - ts;
    const loss = (out[g.lossOutput].data as Float32Array)[0];
    const correct = labels ? countCorrect(out[g.logitsOutput].data as Float32Array, labels, g.numClasses) : 0;
    // A non-finite loss leaves the parameters as they were: the caller stops and keeps a good model.
    if (Number.isFinite(loss)) this.accept(out);
    this.timing.ortMs += ortMs;
    this.timing.steps++;
    return { loss, correct };
  }

  private accept(out: ort.InferenceSession.ReturnType): void {
    this.updates++;
    for (const p of this.graph.params) {
      const next = out[this.slots.next.get(p.name)!];
      this.feeds[p.name] = next;
      this.live.get(p.name)!.values = next.data as Float32Array;
    }
    for (const s of this.slots.state) this.feeds[s.input] = out[s.output];
    for (const s of this.graph.bnStats) {
      const mean = this.live.get(s.runningMean)?.values;
      const variance = this.live.get(s.runningVar)?.values;
      if (!mean || !variance) continue;
      const bm = out[s.batchMean].data as Float32Array;
      const bv = out[s.batchVar].data as Float32Array;
      const unbias = s.count > 1 ? s.count / (s.count - 1) : 1;
      for (let c = 0; c < mean.length; c++) {
        mean[c] = s.momentum * mean[c] + (1 - s.momentum) * bm[c];
        variance[c] = s.momentum * variance[c] + (1 - s.momentum) * bv[c] * unbias;
      }
    }
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.teacher?.session.release();
  }
}

function countCorrect(logits: Float32Array, labels: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    const base = i * classes;
    for (let j = 1; j < classes; j++) if (logits[base + j] > logits[base + best]) best = j;
    if (best === labels[i]) correct++;
  }
  return correct;
}
