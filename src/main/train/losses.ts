// Losses appended to a forward graph as ONNX nodes, so the same rule table differentiates
// them: cross-entropy, Hinton knowledge distillation, MSE on logits or on named features.
import { WhittleError } from '../../shared/errors.ts';
import type { Emitter } from './autodiff/emit.ts';

export type LossSpec =
  | { kind: 'cross-entropy' }
  /** Hinton et al. 2015: alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, y). */
  | { kind: 'distill'; temperature: number; alpha: number }
  | { kind: 'mse-logits' }
  /** sum(output * weights): a smooth scalar objective used by gradient checks. */
  | { kind: 'weighted-sum'; weights: Float32Array };

/** MSE between a named student feature and the teacher's same-named feature; a 1x1 projection when widths differ. */
export interface FeatureTerm {
  student: string;
  /** Dims of the teacher feature for one batch ([N, C, ...]). */
  teacherDims: number[];
  weight: number;
}

export interface LossInputs {
  labels?: string;
  teacher?: string;
  features: string[];
  /** New trainable tensors the loss introduced (projections): name -> dims. */
  extraParams: Map<string, number[]>;
}

export const LABELS_INPUT = 'whittle.labels';
export const TEACHER_INPUT = 'whittle.teacher_logits';

export function lossNeedsLabels(loss: LossSpec): boolean {
  return loss.kind === 'cross-entropy' || (loss.kind === 'distill' && loss.alpha < 1);
}

export function lossNeedsTeacher(loss: LossSpec): boolean {
  return loss.kind === 'distill' || loss.kind === 'mse-logits';
}

function allAxes(e: Emitter, x: string): number[] {
  return e.shape(x).map((_, i) => i);
}

/** Mean over the batch of -sum(onehot * log_softmax(logits)). */
function crossEntropy(e: Emitter, logits: string, onehot: string): string {
  const batch = e.shape(logits)[0];
  const logp = e.op1('LogSoftmax', [logits], { axis: -1 });
  const picked = e.reduceSum(e.op1('Mul', [logp, onehot]), allAxes(e, logits), false);
  return e.op1('Mul', [picked, e.scalar(-1 / batch)]);
}

function distill(e: Emitter, logits: string, teacher: string, onehot: string | undefined, temperature: number, alpha: number): string {
  const batch = e.shape(logits)[0];
  const inv = e.scalar(1 / temperature);
  const logq = e.op1('LogSoftmax', [e.op1('Mul', [logits, inv])], { axis: -1 });
  const logp = e.op1('LogSoftmax', [e.op1('Mul', [teacher, inv])], { axis: -1 });
  const p = e.op1('Exp', [logp]);
  const kl = e.reduceSum(e.op1('Mul', [p, e.op1('Sub', [logp, logq])]), allAxes(e, logits), false);
  const soft = e.op1('Mul', [kl, e.scalar((alpha * temperature * temperature) / batch)]);
  if (alpha >= 1 || !onehot) return soft;
  const hard = e.op1('Mul', [crossEntropy(e, logits, onehot), e.scalar(1 - alpha)]);
  return e.op1('Add', [soft, hard]);
}

function mse(e: Emitter, a: string, b: string): string {
  const diff = e.op1('Sub', [a, b]);
  // `a` may be a projection made just now (shape unknown until probed); `b` is a fed input.
  return e.reduceMean(e.op1('Mul', [diff, diff]), allAxes(e, b), false);
}

/** Append the loss (and feature terms) to `e`; returns the scalar loss value name. */
export function appendLoss(e: Emitter, loss: LossSpec, logits: string, features: FeatureTerm[], inputs: LossInputs): string {
  let total: string;
  switch (loss.kind) {
    case 'cross-entropy': total = crossEntropy(e, logits, inputs.labels!); break;
    case 'distill': total = distill(e, logits, inputs.teacher!, inputs.labels, loss.temperature, loss.alpha); break;
    case 'mse-logits': total = mse(e, logits, inputs.teacher!); break;
    case 'weighted-sum': {
      const w = e.constF(loss.weights, e.shape(logits));
      total = e.reduceSum(e.op1('Mul', [logits, w]), allAxes(e, logits), false);
      break;
    }
  }
  features.forEach((f, i) => {
    const sd = e.shape(f.student);
    let student = f.student;
    if (sd[1] !== f.teacherDims[1] || sd.length !== f.teacherDims.length) {
      if (sd.length !== f.teacherDims.length || sd.slice(2).join() !== f.teacherDims.slice(2).join()) {
        throw new WhittleError('train.feature-mismatch', `Student feature '${f.student}' has shape [${sd.join(', ')}] but the teacher's has [${f.teacherDims.join(', ')}]; only the channel width may differ.`, 'Pick features at the same resolution in both models.');
      }
      // A 1x1 projection (trained with the student, dropped at export) maps the student width to the teacher's.
      const dims = sd.length === 2 ? [sd[1], f.teacherDims[1]] : [f.teacherDims[1], sd[1], ...sd.slice(2).map(() => 1)];
      const proj = `whittle.projection_${i}`;
      inputs.extraParams.set(proj, dims);
      student = e.op1(sd.length === 2 ? 'MatMul' : 'Conv', [student, proj]);
    }
    const term = e.op1('Mul', [mse(e, student, inputs.features[i]), e.scalar(f.weight)]);
    total = e.op1('Add', [total, term]);
  });
  return total;
}
