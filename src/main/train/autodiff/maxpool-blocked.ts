// MaxPool over tiling windows on NCHWc-blocked values, for a MaxPool whose input a blocked
// BatchNorm (batchnorm-blocked.ts, with its ReLU folded in or not) made. In NCHW, ORT's own NCHWc transformer
// runs the pool blocked anyway, so the value went blocked -> NCHW (ours) -> blocked (ORT's) ->
// pool, and the backward copied the full-size gradient into the blocked layout again for the
// BatchNorm's. Here the pool, its gradient (the same tiling rule as rules-conv.ts's
// tilingMaxPoolGrad) and the nearest upsampling it needs are NCHWc ops, and the pooled value
// leaves through one ReorderOutput that joinReorders (train/nchwc.ts) joins to the next
// Conv's ReorderInput.
import type { Emitter } from './emit.ts';
import type { FusedGradient } from './rule.ts';
import { nchwc } from './batchnorm-blocked.ts';

/**
 * Emits y = MaxPool(x) (kernel = strides = `kernel`, no padding) on the blocked layout and returns
 * its gradient: dY shared among the cells equal to their window's max.
 */
export function blockedMaxPool(e: Emitter, x: string, y: string, kernel: number[]): FusedGradient {
  const channels = e.shape(x)[1];
  const xb = nchwc(e, 'ReorderInput', [x]);
  const yb = nchwc(e, 'MaxPool', [xb], { kernel_shape: kernel, strides: kernel });
  nchwc(e, 'ReorderOutput', [yb], { channels }, y);
  const rule = (dY: string, _needs: boolean[], g: Emitter): (string | null)[] => {
    const up = (v: string) => nchwc(g, 'Upsample', [v], { scales: [1, 1, ...kernel], mode: 'nearest' });
    const isMax = g.op1('Cast', [g.op1('Equal', [xb, up(yb)])], { to: 1 });
    // AveragePool gives (ties / cells) per window: dY / ties = (dY / cells) / that.
    const tiesShare = nchwc(g, 'AveragePool', [isMax], { kernel_shape: kernel, strides: kernel });
    const cells = kernel.reduce((p, q) => p * q, 1);
    const share = g.op1('Div', [g.op1('Mul', [nchwc(g, 'ReorderInput', [dY]), g.scalar(1 / cells)]), tiesShare]);
    return [nchwc(g, 'ReorderOutput', [g.op1('Mul', [isMax, up(share)])], { channels })];
  };
  return { output: y, inputs: [x], rule };
}
