// The optimizer update written into the training graph, so a step is one ONNX Runtime run:
// clipping, masks, SGD (momentum, Nesterov) or Adam/AdamW, returning the new parameters and
// optimizer state as outputs that feed the next run. Same maths as optimizers.ts (its reference).
import { makeValueInfo } from '../onnx/graph.ts';
import { onnx } from '../onnx/proto.ts';
import { opsetVersion } from '../onnx/model.ts';
import { Emitter, TRAIN_OPSET } from './autodiff/emit.ts';
import type { TrainGraph } from './training-graph.ts';
import type { OptimizerSpec } from './optimizers.ts';
import type { MaskSet } from './constraints.ts';

export interface OptimizerSlots {
  /** Per parameter: the output holding its next value, and its state tensors (input -> output). */
  next: Map<string, string>;
  state: { input: string; output: string; dims: number[] }[];
  /** Scalar inputs fed each step (names below). */
  scalars: string[];
}

export const LR_INPUT = 'opt.lr';
export const STEP_SIZE_INPUT = 'opt.step_size';
export const INV_SQRT_C2_INPUT = 'opt.inv_sqrt_c2';
export const DECAY_INPUT = 'opt.decay';

/** Append the update of every parameter of `tg` to its graph (mutates tg.model). */
export function appendOptimizer(tg: TrainGraph, spec: OptimizerSpec, masks: MaskSet, clipNorm: number): OptimizerSlots {
  const graph = tg.model.graph;
  const e = new Emitter(new Map(), new Map(), 'opt', opsetVersion(tg.model) ?? TRAIN_OPSET);
  const slots: OptimizerSlots = { next: new Map(), state: [], scalars: [] };
  const scalar = (name: string) => {
    slots.scalars.push(name);
    graph.input.push(makeValueInfo(name, 1, []));
    return name;
  };
  const state = (p: { name: string; dims: number[] }, kind: string) => {
    const input = `opt.${kind}/${p.name}`;
    const output = `${input}:next`;
    graph.input.push(makeValueInfo(input, 1, p.dims));
    slots.state.push({ input, output, dims: p.dims });
    return { input, output };
  };
  const wd = spec.weightDecay ?? 0;
  let grads = tg.params.map((p) => p.gradOutput);
  if (clipNorm > 0) {
    const squares = grads.map((g) => e.op1('ReduceSumSquare', [g], { keepdims: 0 }));
    const norm = e.op1('Sqrt', [squares.length === 1 ? squares[0] : e.op1('Sum', squares)]);
    const ratio = e.op1('Div', [e.scalar(clipNorm), e.op1('Add', [norm, e.scalar(1e-12)])]);
    const scale = e.op1('Min', [ratio, e.scalar(1)]);
    grads = grads.map((g) => e.op1('Mul', [g, scale]));
  }
  const lr = spec.kind === 'sgd' ? scalar(LR_INPUT) : '';
  const stepSize = spec.kind === 'sgd' ? '' : scalar(STEP_SIZE_INPUT);
  const invSqrtC2 = spec.kind === 'sgd' ? '' : scalar(INV_SQRT_C2_INPUT);
  const decay = spec.kind === 'adamw' && wd > 0 ? scalar(DECAY_INPUT) : '';
  tg.params.forEach((p, k) => {
    const mask = masks.get(p.name);
    const maskConst = mask ? e.constF(Float32Array.from(mask), p.dims) : '';
    let g = grads[k];
    if (mask) g = e.op1('Mul', [g, maskConst]);
    if (wd > 0 && spec.kind !== 'adamw') g = e.op1('Add', [g, e.op1('Mul', [p.name, e.scalar(wd)])]);
    let w: string;
    if (spec.kind === 'sgd') {
      const mu = spec.momentum ?? 0;
      if (mu > 0) {
        const buf = state(p, 'buf');
        e.opInto('Add', [e.op1('Mul', [buf.input, e.scalar(mu)]), g], [buf.output]);
        const direction = spec.nesterov ? e.op1('Add', [g, e.op1('Mul', [buf.output, e.scalar(mu)])]) : buf.output;
        w = e.op1('Sub', [p.name, e.op1('Mul', [direction, lr])]);
      } else {
        w = e.op1('Sub', [p.name, e.op1('Mul', [g, lr])]);
      }
    } else {
      const b1 = spec.beta1 ?? 0.9;
      const b2 = spec.beta2 ?? 0.999;
      const m = state(p, 'm');
      const v = state(p, 'v');
      e.opInto('Add', [e.op1('Mul', [m.input, e.scalar(b1)]), e.op1('Mul', [g, e.scalar(1 - b1)])], [m.output]);
      e.opInto('Add', [e.op1('Mul', [v.input, e.scalar(b2)]), e.op1('Mul', [e.op1('Mul', [g, g]), e.scalar(1 - b2)])], [v.output]);
      const denom = e.op1('Add', [e.op1('Mul', [e.op1('Sqrt', [v.output]), invSqrtC2]), e.scalar(spec.eps ?? 1e-8)]);
      const base = decay ? e.op1('Mul', [p.name, decay]) : p.name;
      w = e.op1('Sub', [base, e.op1('Div', [e.op1('Mul', [m.output, stepSize]), denom])]);
    }
    if (mask) w = e.op1('Mul', [w, maskConst]);
    const next = `${p.name}:next`;
    e.opInto('Identity', [w], [next]);
    slots.next.set(p.name, next);
  });
  graph.node.push(...e.nodes);
  graph.initializer.push(...e.initializers);
  for (const name of [...slots.next.values(), ...slots.state.map((s) => s.output)]) graph.output.push(onnx.ValueInfoProto.create({ name }));
  return slots;
}

/** Scalar feeds of step `t` (1-based) at rate `lr`, matching Optimizer.step in optimizers.ts. */
export function optimizerScalars(spec: OptimizerSpec, t: number, lr: number): Record<string, number> {
  if (spec.kind === 'sgd') return { [LR_INPUT]: lr };
  const c1 = 1 - (spec.beta1 ?? 0.9) ** t;
  const c2 = 1 - (spec.beta2 ?? 0.999) ** t;
  const out: Record<string, number> = { [STEP_SIZE_INPUT]: lr / c1, [INV_SQRT_C2_INPUT]: 1 / Math.sqrt(c2) };
  if (spec.kind === 'adamw' && (spec.weightDecay ?? 0) > 0) out[DECAY_INPUT] = 1 - lr * (spec.weightDecay ?? 0);
  return out;
}
