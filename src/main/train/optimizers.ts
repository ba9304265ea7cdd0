// Optimizer specs and learning-rate schedules, and the optimizers' maths as typed-array loops:
// SGD (momentum, Nesterov), Adam/AdamW, weight decay, global-norm clipping. Training runs the
// same update inside the ONNX graph (optimizer-graph.ts); these loops are its tested reference.
import { WhittleError } from '../../shared/errors.ts';

export interface OptimizerSpec {
  kind: 'sgd' | 'adam' | 'adamw';
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (sgd, adam) or decoupled decay (adamw). */
  weightDecay?: number;
}

export interface ScheduleSpec {
  kind: 'constant' | 'cosine' | 'step';
  warmupSteps?: number;
  /** step: multiply by gamma every `stepSize` steps. */
  stepSize?: number;
  gamma?: number;
  /** cosine: the floor the rate decays to. */
  minLr?: number;
}

export function checkOptimizer(spec: OptimizerSpec): void {
  if (!(spec.lr > 0) || !Number.isFinite(spec.lr)) {
    throw new WhittleError('train.bad-learning-rate', `The learning rate must be a positive number (got ${spec.lr}).`, 'Use a value such as 0.001 for Adam or 0.05 for SGD.');
  }
}

/** Learning rate at `step` (0-based) of `totalSteps`. */
export function learningRate(base: number, schedule: ScheduleSpec, step: number, totalSteps: number): number {
  const warm = schedule.warmupSteps ?? 0;
  if (step < warm) return (base * (step + 1)) / warm;
  const t = step - warm;
  const span = Math.max(1, totalSteps - warm);
  switch (schedule.kind) {
    case 'cosine': {
      const floor = schedule.minLr ?? 0;
      return floor + 0.5 * (base - floor) * (1 + Math.cos((Math.PI * Math.min(t, span)) / span));
    }
    case 'step':
      return base * (schedule.gamma ?? 0.1) ** Math.floor(t / Math.max(1, schedule.stepSize ?? span));
    default:
      return base;
  }
}

/** Scale `grads` in place so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGlobalNorm(grads: Float32Array[], maxNorm: number): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-12);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}

export class Optimizer {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(readonly spec: OptimizerSpec, sizes: number[]) {
    checkOptimizer(spec);
    this.m = sizes.map((n) => new Float32Array(n));
    this.v = spec.kind === 'sgd' ? [] : sizes.map((n) => new Float32Array(n));
  }

  /** Update `params` in place from `grads` (which may be scaled in place) at rate `lr`. */
  step(params: Float32Array[], grads: Float32Array[], lr: number): void {
    this.t++;
    const wd = this.spec.weightDecay ?? 0;
    for (let k = 0; k < params.length; k++) {
      if (this.spec.kind === 'sgd') this.sgd(params[k], grads[k], this.m[k], lr, wd);
      else this.adam(params[k], grads[k], this.m[k], this.v[k], lr, wd);
    }
  }

  private sgd(w: Float32Array, g: Float32Array, buf: Float32Array, lr: number, wd: number): void {
    const mu = this.spec.momentum ?? 0;
    const nesterov = this.spec.nesterov ?? false;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + wd * w[i];
      const b = mu * buf[i] + gi;
      buf[i] = b;
      w[i] -= lr * (nesterov ? gi + mu * b : mu > 0 ? b : gi);
    }
  }

  private adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, wd: number): void {
    const b1 = this.spec.beta1 ?? 0.9;
    const b2 = this.spec.beta2 ?? 0.999;
    const eps = this.spec.eps ?? 1e-8;
    const decoupled = this.spec.kind === 'adamw';
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const stepSize = lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    for (let i = 0; i < w.length; i++) {
      const gi = decoupled ? g[i] : g[i] + wd * w[i];
      const mi = b1 * m[i] + (1 - b1) * gi;
      const vi = b2 * v[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      if (decoupled && wd > 0) w[i] -= lr * wd * w[i];
      w[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + eps);
    }
  }
}
