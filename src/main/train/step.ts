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
  /** Samples the steps trained on (steps times the batch the graph was built for). */
  samples: number;
}

/** The teacher's inputs: its first takes the main data; others are fed the student's same-named extra inputs. */
interface TeacherRun { session: ort.InferenceSession; input: string; extraInputs: string[]; outputs: string[] }

/**
 * A value that goes round the loop (a parameter or optimizer state): ONNX Runtime reads one
 * buffer and writes the other, then they swap, so steps allocate no parameter-sized memory.
 */
interface Carried {
  input: string;
  output: string;
  buffers: [ort.Tensor, ort.Tensor];
  current: 0 | 1;
  /** The parameter's live entry (evaluation, checkpoints), kept on the current buffer. */
  live?: LiveTensor;
}

export class TrainStep {
  /** Parameters and BN running statistics by initializer name; `values` is replaced after every step. */
  readonly live = new Map<string, LiveTensor>();
  readonly timing: StepTiming = { ortMs: 0, totalMs: 0, steps: 0, samples: 0 };
  readonly dataBuffer: Float32Array;
  /** One batch buffer per extra data input (models with several inputs), by input name. */
  readonly extraBuffers = new Map<string, Float32Array>();
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly oneHot?: Float32Array;
  /** What a step reads back: gradients stay inside ONNX Runtime (the update already used them). */
  private readonly fetches: Record<string, ort.Tensor | null> = {};
  private readonly carried: Carried[] = [];
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
    for (const x of graph.extraInputs) {
      const buffer = new Float32Array(n * x.sampleShape.reduce((a, b) => a * b, 1));
      this.extraBuffers.set(x.name, buffer);
      this.feeds[x.name] = new ort.Tensor('float32', buffer, [n, ...x.sampleShape]);
    }
    if (graph.labelInput) {
      this.oneHot = new Float32Array(n * graph.numClasses);
      this.feeds[graph.labelInput] = new ort.Tensor('float32', this.oneHot, [n, graph.numClasses]);
    }
    for (const name of [graph.lossOutput, graph.logitsOutput, ...graph.bnStats.flatMap((b) => [b.batchMean, b.batchVar])]) this.fetches[name] = null;
    for (const s of slots.state) this.carry(s.input, s.output, new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims);
  }

  private carry(input: string, output: string, initial: Float32Array, dims: number[], live?: LiveTensor): void {
    const c: Carried = {
      input, output, current: 0, live,
      buffers: [new ort.Tensor('float32', initial, dims), new ort.Tensor('float32', new Float32Array(initial.length), dims)],
    };
    this.carried.push(c);
    this.feeds[input] = c.buffers[0];
    this.fetches[output] = c.buffers[1];
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
      const inputs = t.graph.input.filter((i) => !inits.has(i.name)).map((i) => i.name);
      const extraInputs = inputs.slice(1).filter((name) => graph.extraInputs.some((x) => x.name === name));
      teacher = { session: await createSession(encodeModel(t), { threads: opts.threads ?? 0 }), input: inputs[0], extraInputs, outputs };
    }
    const step = new TrainStep(graph, slots, session, teacher, opts.optimizer);
    for (const p of graph.params) {
      const values = p.values.slice();
      const mask = opts.masks.get(p.name);
      if (mask) applyMask(values, mask);
      const live = { dims: p.dims, values };
      step.live.set(p.name, live);
      step.carry(p.name, slots.next.get(p.name)!, values, p.dims, live);
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
      const teacherFeeds = Object.fromEntries([[this.teacher.input, this.feeds[g.dataInput]], ...this.teacher.extraInputs.map((name) => [name, this.feeds[name]])]);
      const out = await this.teacher.session.run(teacherFeeds, this.teacher.outputs);
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
    const out = await this.session.run(this.feeds, this.fetches);
    ortMs += performance.now() - ts;
    const loss = (out[g.lossOutput].data as Float32Array)[0];
    const correct = labels ? countCorrect(out[g.logitsOutput].data as Float32Array, labels, g.numClasses) : 0;
    // A non-finite loss leaves the parameters as they were: the caller stops and keeps a good model.
    if (Number.isFinite(loss)) this.accept(out);
    this.timing.ortMs += ortMs;
    this.timing.steps++;
    this.timing.samples += g.batchSize;
    return { loss, correct };
  }

  private accept(out: ort.InferenceSession.ReturnType): void {
    this.updates++;
    for (const c of this.carried) {
      const next = c.current === 0 ? 1 : 0;
      c.current = next;
      this.feeds[c.input] = c.buffers[next];
      this.fetches[c.output] = c.buffers[1 - next];
      if (c.live) c.live.values = c.buffers[next].data as Float32Array;
    }
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
