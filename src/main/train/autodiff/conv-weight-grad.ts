// Weight gradients of Conv, written with inference ops: unfolded inputs times dY (GEMMs) in the
// layout that suits the batch and channel counts, or a depthwise Conv on NCHWc kernels.
import { numel, type Emitter } from './emit.ts';
import type { WindowGeometry } from './rules-conv.ts';

/**
 * Window cell sources of every output position, channels-last: [H'*W', cells] indices into the
 * flattened input spatial axis, with `numel(inSpatial)` (a zero row appended) where a cell falls
 * in the padding.
 */
function windowIndices(inSpatial: number[], outSpatial: number[], g: WindowGeometry): Int32Array {
  const d = inSpatial.length;
  const cells = numel(g.kernel);
  const positions = numel(outSpatial);
  const pad = numel(inSpatial);
  const out = new Int32Array(positions * cells);
  const outIdx = new Array<number>(d).fill(0);
  const cellIdx = new Array<number>(d).fill(0);
  for (let p = 0; p < positions; p++) {
    for (let i = d - 1, rest = p; i >= 0; i--) { outIdx[i] = rest % outSpatial[i]; rest = Math.floor(rest / outSpatial[i]); }
    for (let c = 0; c < cells; c++) {
      for (let i = d - 1, rest = c; i >= 0; i--) { cellIdx[i] = rest % g.kernel[i]; rest = Math.floor(rest / g.kernel[i]); }
      let flat = 0;
      let inside = true;
      for (let i = 0; i < d; i++) {
        const at = outIdx[i] * g.strides[i] - g.padsBegin[i] + cellIdx[i] * g.dilations[i];
        if (at < 0 || at >= inSpatial[i]) inside = false;
        flat = flat * inSpatial[i] + at;
      }
      out[p * cells + c] = inside ? flat : pad;
    }
  }
  return out;
}

/** The sizes the unfolding (im2col + GEMM) forms of dW work with. */
function unfoldDims(xs: number[], ys: number[], g: WindowGeometry, group: number) {
  const [n, cIn] = xs;
  const cOut = ys[1];
  return {
    n, cIn, cOut, inPixels: numel(xs.slice(2)), outPixels: numel(ys.slice(2)), cells: numel(g.kernel),
    cInG: cIn / group, cOutG: cOut / group,
  };
}

/**
 * dW as one batch-innermost im2col and one GEMM per group: X goes to [C_in, H*W (+1 zero row), N]
 * (batch moved inwards), a Gather with a static window map unfolds it to [C_in, cells, H'*W', N]
 * moving whole batch rows, and cols [cells*C_in/G, H'*W'*N] times dY^T [H'*W'*N, C_out/G] gives
 * dW^T. The unfolded operand comes first, so MLAS streams it and packs only dY. ResNet-small's
 * 16-channel 32x32 conv, batch 64, 1 thread: 11.6 ms against 17.5 for the channels-last form
 * below (its GEMM, M = C_out = 16, spent half its time packing the 9x larger cols), and 7.7 vs
 * 10.7 ms, 5.7 vs 6.6 ms at 32 channels 16x16 and 64 channels 8x8; a BN-CNN step 156 vs 181 ms
 * CPU. (The textbook form, a Conv with the whole image as its kernel, ran 3x slower than the
 * forward Conv; so did it over batch-transposed operands, on NCHWc kernels 2.5x slower than the
 * channels-last GEMM, its output being only kh x kw wide. Channels-first Slices per window cell
 * with a Concat, kw shifts on X and kh shifts on dY with one GEMM per sample: both spent on the
 * copies what the GEMM saved.)
 */
function convWeightGradBatchInner(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  const { n, cIn, cOut, inPixels, outPixels, cells, cInG, cOutG } = unfoldDims(xs, ys, g, group);
  const batchInner = e.transpose(e.reshape(x, [n, cIn, inPixels]), [1, 2, 0]);
  const padded = e.op1('Pad', [batchInner, e.constI64([0, 0, 0, 0, 1, 0])]);
  const map = cellMajor(windowIndices(xs.slice(2), ys.slice(2), g), cells);
  const dYT = e.reshape(e.transpose(e.reshape(dY, [n, cOut, outPixels]), [1, 2, 0]), [group, cOutG, outPixels * n]);
  const parts = pixelParts(outPixels, cIn * cells * n);
  const partPixels = outPixels / parts;
  const dYParts = parts === 1 ? [dYT] : e.op('Split', [dYT, e.constI64(Array(parts).fill(partPixels * n))], { axis: 2 }, parts);
  const products = dYParts.map((dYPart, q) => {
    const indices = e.constI64(partOfMap(map, cells, outPixels, q * partPixels, partPixels), [cells, partPixels]);
    const cols = e.reshape(e.op1('Gather', [padded, indices], { axis: 1 }), [group, cInG * cells, partPixels * n]);
    // (ORT fuses this Transpose into the MatMul: MLAS packs straight from [C_out/G, H'*W'*N].)
    return e.op1('MatMul', [cols, e.transpose(dYPart, [0, 2, 1])]);
  });
  const product = products.length === 1 ? products[0] : e.op1('Sum', products);
  // [G, C_in/G, cells, C_out/G] -> [G, C_out/G, C_in/G, cells]
  return e.reshape(e.transpose(e.reshape(product, [group, cInG, cells, cOutG]), [0, 3, 1, 2]), ws);
}

/**
 * Unfolded floats per part of the batch-innermost dW: each part's Gather output is still in cache
 * when its GEMM reads it. (ResNet-small's 16-channel 32x32 conv unfolds 9.4 M floats, more than
 * this CPU's 32 MB L3: its conv with dW took 15.0 ms in 4 MB parts against 17.6 ms in one piece,
 * 1 thread, load ~6; 8 MB and 2 MB parts ran alike; a whole ResNet-small step level within noise.)
 */
const PART_FLOATS = 2 ** 20;

/** How many equal ranges of output pixels keep each unfolded part under PART_FLOATS. */
function pixelParts(outPixels: number, floatsPerPixel: number): number {
  for (let parts = 1; parts < outPixels; parts++) {
    if (outPixels % parts === 0 && (outPixels / parts) * floatsPerPixel <= PART_FLOATS) return parts;
  }
  return outPixels;
}

/** Columns [from, from + count) of a cell-major window map [cells, positions]. */
function partOfMap(map: Int32Array, cells: number, positions: number, from: number, count: number): Int32Array {
  const out = new Int32Array(cells * count);
  for (let c = 0; c < cells; c++) out.set(map.subarray(c * positions + from, c * positions + from + count), c * count);
  return out;
}

/** A window map [positions, cells] reordered to [cells, positions]. */
function cellMajor(map: Int32Array, cells: number): Int32Array {
  const positions = map.length / cells;
  const out = new Int32Array(map.length);
  for (let p = 0; p < positions; p++) for (let c = 0; c < cells; c++) out[c * positions + p] = map[p * cells + c];
  return out;
}

/**
 * Batches below this size make the batch rows of the form above too short to move; the
 * channels-last form below moves channel rows instead. (At batch 8 both ran alike.)
 */
const BATCH_INNER_MIN_BATCH = 8;

/**
 * Whether dW takes the batch-innermost form: batches of 8 and more, windows wider than 1x1. (On
 * MobileNetV2's 1x1 convs, 8-160 channels on 16x16 to 1x1 maps, it ran 0.1-0.3 ms slower per conv
 * than the channels-last form, which packs the smaller operand there.)
 */
function batchInnerPays(xs: number[], g: WindowGeometry): boolean {
  return xs[0] >= BATCH_INNER_MIN_BATCH && numel(g.kernel) > 1;
}

/**
 * dW as one channels-last im2col and batched SGEMMs, for small batches and 1x1 windows: X goes to [N, G, H*W (+1
 * zero row), C_in/G] (a single-axis transpose), a Gather with a static window map unfolds it to
 * [N, G, H'*W', cells*C_in/G] moving whole channel rows, and dY [N, G, C_out/G, H'*W'] times it,
 * summed over N, gives dW. (Per BN-CNN step, ORT 1.30, 1 thread: the Conv over batch-transposed
 * operands +20%, one GEMM of depth N*H'*W' for every size +7%, channels-last Slice per cell with
 * a Concat +15%, or with one GEMM per cell +-0%. After the NCHWc change, ResNet-small CPU per
 * step: channels-first Slice + MatMul per cell +5%, this GEMM for the 3-channel stem +-0.)
 */
function convWeightGradGemm(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  const { n, cOut, inPixels, outPixels, cells, cInG } = unfoldDims(xs, ys, g, group);
  const channelsLast = e.transpose(e.reshape(x, [n, group, cInG, inPixels]), [0, 1, 3, 2]);
  const padded = e.op1('Pad', [channelsLast, e.constI64([0, 0, 0, 0, 0, 0, 1, 0])]);
  const indices = e.constI64(windowIndices(xs.slice(2), ys.slice(2), g), [outPixels, cells]);
  const cols = e.reshape(e.op1('Gather', [padded, indices], { axis: 2 }), [n, group, outPixels, cells * cInG]);
  const dYG = e.reshape(dY, [n, group, cOut / group, outPixels]);
  // Small maps make per-sample products of depth H'*W' too shallow for MLAS: one GEMM of depth N*H'*W' instead.
  const summed = outPixels <= ONE_GEMM_UP_TO_PIXELS
    ? e.reshape(e.op1('MatMul', [
      e.reshape(e.transpose(dYG, [1, 2, 0, 3]), [group, cOut / group, n * outPixels]),
      // (ORT copies even a transpose that only moves a size-1 axis: 40 ms on [64, 1, 256, 288].)
      e.reshape(group === 1 ? cols : e.transpose(cols, [1, 0, 2, 3]), [group, n * outPixels, cells * cInG]),
    ]), [cOut, cells, cInG])
    // [N, G, C_out/G, cells * C_in/G] summed over N -> [C_out, cells, C_in/G]
    : e.reshape(e.reduceSum(e.op1('MatMul', [dYG, cols]), [0], false), [cOut, cells, cInG]);
  return e.reshape(e.transpose(summed, [0, 2, 1]), ws);
}

/** X (padded) sliced once per window cell, each [N, C, ...out spatial], in row-major cell order. */
function windowCellSlices(e: Emitter, x: string, ys: number[], g: WindowGeometry): string[] {
  const outSpatial = ys.slice(2);
  const d = outSpatial.length;
  const padded = g.padsBegin.some((p) => p > 0) || g.padsEnd.some((p) => p > 0)
    ? e.op1('Pad', [x, e.constI64([0, 0, ...g.padsBegin, 0, 0, ...g.padsEnd])])
    : x;
  const axes = Array.from({ length: d }, (_, i) => i + 2);
  const cells: string[] = [];
  const visit = (axis: number, offset: number[]): void => {
    if (axis === d) {
      const ends = offset.map((o, i) => o + (outSpatial[i] - 1) * g.strides[i] + 1);
      cells.push(e.op1('Slice', [padded, e.constI64(offset), e.constI64(ends), e.constI64(axes), e.constI64(g.strides)]));
      return;
    }
    for (let k = 0; k < g.kernel[axis]; k++) visit(axis + 1, [...offset, k * g.dilations[axis]]);
  };
  visit(0, []);
  return cells;
}

/**
 * dW for few input channels per group (a depthwise Conv outside NCHWc blocks): Gather would move
 * single floats, so unfold with one strided Slice per window cell and reduce dY * cols per group.
 */
function convWeightGradSlices(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  const [n, cIn] = xs;
  const cOut = ys[1];
  const outPixels = numel(ys.slice(2));
  const cInG = cIn / group;
  const cOutG = cOut / group;
  const dYG = e.reshape(dY, [n, group, cOutG, 1, outPixels]);
  const perCell = windowCellSlices(e, x, ys, g).map((cell) => {
    const cellG = e.reshape(cell, [n, group, 1, cInG, outPixels]);
    // [N, G, C_out/G, C_in/G, HW] summed over N and HW -> [G, C_out/G, C_in/G, 1]
    return e.reshape(e.reduceSum(e.op1('Mul', [dYG, cellG]), [0, 4], false), [cOut, cInG, 1]);
  });
  const stacked = perCell.length === 1 ? perCell[0] : e.op1('Concat', perCell, { axis: 2 });
  return e.reshape(stacked, ws);
}

/**
 * dW of an ungrouped Conv with few input channels (a grey or RGB stem): the window cells sliced
 * channels-first into cols [N, C_in * cells, H'*W'] and per-sample GEMMs cols x dY^T, summed
 * over N. The big operand comes first, so MLAS streams it instead of packing it. (ResNet-small's
 * 3->16 32x32 stem, batch 64, 1 thread: 3.6 ms against 6.7 ms for the Conv over batch-transposed
 * operands and 7.4 ms for the channels-last Gather + GEMM; at 2 threads the batch-innermost form
 * spent 2.6 ms in its two [27, 32768] x [32768, 16] GEMMs alone, and unfolding with one Conv
 * of one-hot 3x3 kernels took 2.5 ms with its reorder against 2.1 for the Pad, Slices and Concat.)
 */
function convWeightGradUnfolded(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry): string {
  const [n, cIn] = xs;
  const cOut = ys[1];
  const outPixels = numel(ys.slice(2));
  const cells = numel(g.kernel);
  const slices = windowCellSlices(e, x, ys, g).map((cell) => e.reshape(cell, [n, cIn, 1, outPixels]));
  const cols = e.reshape(slices.length === 1 ? slices[0] : e.op1('Concat', slices, { axis: 2 }), [n, cIn * cells, outPixels]);
  const dYT = e.transpose(e.reshape(dY, [n, cOut, outPixels]), [0, 2, 1]);
  const summed = e.reduceSum(e.op1('MatMul', [cols, dYT]), [0], false);
  return e.reshape(e.transpose(summed, [1, 0]), ws);
}

/**
 * Output maps up to this size get one GEMM over the whole batch for dW. (ORT 1.30, 1 thread, batch
 * 64: [64, 4096] x [4096, 576] took 7 ms where 64 per-sample [64, 64] x [64, 576] took 14 ms;
 * [32, 16384] x [16384, 288] 8.7 ms against 10.3. At 32x32 maps (depth 1024) no gain: 13.9 vs 12.7.)
 */
const ONE_GEMM_UP_TO_PIXELS = 256;

function sliceKernel(e: Emitter, x: string, have: number[], want: number[], firstSpatialAxis: number): string {
  if (have.every((h, i) => h === want[i])) return x;
  const axes = want.map((_, i) => firstSpatialAxis + i);
  return e.op1('Slice', [x, e.constI64(want.map(() => 0)), e.constI64(want), e.constI64(axes)]);
}

/**
 * dW of a depthwise Conv as one depthwise Conv over the whole batch: X as [1, N*C, H, W] (a free
 * reshape), dY as N*C one-channel kernels [N*C, 1, H', W'], strides and dilations swapped, then a
 * sum over N. Only where it runs on NCHWc kernels (train/nchwc.ts): a 64x48-channel 16x16 layer
 * took 6.5 ms there against 31 ms as a plain grouped Conv; the Slice/Mul/ReduceSum per window cell
 * it replaces made about half of a MobileNetV2 step.
 */
function convWeightGradDepthwise(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry): string {
  const [n, c] = xs;
  const spatialX = xs.slice(2);
  const spatialY = ys.slice(2);
  const kernelHave = spatialX.map((s, i) => Math.floor((s + g.padsBegin[i] + g.padsEnd[i] - g.strides[i] * (spatialY[i] - 1) - 1) / g.dilations[i]) + 1);
  const kernels = e.reshape(dY, [n * c, 1, ...spatialY]);
  e.shapes.set(kernels, [n * c, 1, ...spatialY]);
  if (c % e.nchwcBlock === 0) e.blockedKernelSources.set(kernels, dY);
  const corr = e.op1('Conv', [e.reshape(x, [1, n * c, ...spatialX]), kernels], { strides: g.dilations, dilations: g.strides, pads: [...g.padsBegin, ...g.padsEnd], group: n * c });
  const perSample = e.reshape(sliceKernel(e, corr, kernelHave, ws.slice(2), 2), [n, c, ...ws.slice(2)]);
  return e.reshape(e.reduceSum(perSample, [0], false), ws);
}

/** Whether the depthwise dW above applies: 2-D, one channel per group, N*C in whole NCHWc blocks, a map wider than one pixel. */
function depthwiseOnBlocks(e: Emitter, xs: number[], ys: number[], ws: number[], group: number): boolean {
  const block = e.nchwcBlock;
  return block > 0 && xs.length === 4 && group === xs[1] && ws[0] === group && ws[1] === 1
    && (xs[0] * xs[1]) % block === 0 && numel(ys.slice(2)) > 1;
}

/** Below this many input channels per group a Gather row is too short for the GEMM form to pay. */
const GEMM_MIN_CHANNELS = 8;

/**
 * The batch-innermost form moves rows of N floats whatever the channel count: with fewer channels
 * it still pays once its GEMM has this many rows (C_in/G * cells). (LeNet-5's 6-channel 5x5 conv,
 * 150 rows, batch 64: a training step 9.7-10.9 -> 8.9-9.0 ms at 1 thread, three interleaved runs,
 * against the Slices per window cell. ResNet-small's 27-row RGB stem into 16 channels stays on the Slices: a 2-thread
 * step 69.6-70.1 ms against 75.4-77.5 that way. LeNet-5's 25-row 1-channel stem into only 6
 * channels gains: its step 7.9-8.5 -> 7.2 ms at 1 thread, 7.5-8.0 -> 6.4-6.9 at 2.)
 */
const BATCH_INNER_MIN_ROWS = 64;

/** A 1x1 window without padding: every output pixel reads one input pixel, so X needs no unfolding. */
export function isPointwise(g: WindowGeometry): boolean {
  return g.kernel.every((k) => k === 1) && g.padsBegin.every((p) => p === 0) && g.padsEnd.every((p) => p === 0);
}

/**
 * Every stride-th pixel of X [N, C, ...] from the first, `outSpatial` of them per axis (X itself at
 * stride 1), as a MaxPool with a 1x1 window: ORT runs it on MLAS's threaded NCHWc pooling, where a
 * strided Slice copied float by float (ResNet-small's 16-channel 32x32 shortcut, 2 threads: 1.8 ms
 * for the Slice against 0.2 ms for the pool and 0.5 ms for the reorders ORT puts around it). A
 * strided Slice where the pool's output size would differ.
 */
export function subsample(e: Emitter, x: string, outSpatial: number[], strides: number[]): string {
  if (strides.every((s) => s === 1)) return x;
  const xs = e.shapes.get(x);
  const pooled = xs?.slice(2).map((size, i) => Math.floor((size - 1) / strides[i]) + 1);
  if (pooled && pooled.length === outSpatial.length && pooled.every((p, i) => p === outSpatial[i])) {
    return e.op1('MaxPool', [x], { kernel_shape: strides.map(() => 1), strides });
  }
  const axes = outSpatial.map((_, i) => i + 2);
  return e.op1('Slice', [x, e.constI64(axes.map(() => 0)), e.constI64(outSpatial.map((o, i) => (o - 1) * strides[i] + 1)), e.constI64(axes), e.constI64(strides)]);
}

/**
 * dW of a 1x1 Conv without padding: X itself (every stride-th pixel, see subsample) is the
 * unfolded input, so no Transpose, Pad or Gather. dW = sum over samples of dY_n X_n^T: one batched
 * MatMul (ORT folds the transpose into it) and a sum over N; on a 1x1 map, one GEMM dY^T X (the
 * per-sample products would be outer products as large as the weight, 64 times). (ResNet-small's
 * 1x1 stride-2 shortcut: the channels-last unfold this replaces spent 2.7 ms per step on its
 * Transpose and Pad at 2 threads; moving small maps batch-inwards for one GEMM cost more in
 * ORT's Transposes than the sum over N: 0.5 ms for a [64, 80, 1] one.)
 */
function convWeightGradPointwise(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  const { n, outPixels, cInG, cOutG } = unfoldDims(xs, ys, g, group);
  const sampled = subsample(e, x, ys.slice(2), g.strides);
  const xG = e.reshape(sampled, [n, group, cInG, outPixels]);
  const dYG = e.reshape(dY, [n, group, cOutG, outPixels]);
  if (outPixels === 1 && group === 1) {
    return e.reshape(e.op1('MatMul', [e.transpose(e.reshape(dY, [n, cOutG]), [1, 0]), e.reshape(sampled, [n, cInG])]), ws);
  }
  return e.reshape(e.reduceSum(e.op1('MatMul', [dYG, e.transpose(xG, [0, 1, 3, 2])]), [0], false), ws);
}

/**
 * Output maps from this size on give the per-sample products of the pointwise dW deep enough
 * GEMMs. (MobileNetV2 x0.5's 1x1 convs on 2x2 maps, batch 64, 1 thread: per-sample [48, 4] x [4, 288]
 * products took 0.4-1.0 ms each plus the sum over N, where the channels-last one-GEMM form took
 * 4 ms for every 1x1 conv together; ResNet-small's shortcuts on 16x16 and 8x8 maps: 0.36 and 0.30 ms.)
 */
const POINTWISE_PER_SAMPLE_MIN_PIXELS = 64;

/** Whether dW takes the pointwise form: a 1x1 window without padding, on a map deep enough or a single pixel. */
function pointwisePays(g: WindowGeometry, outPixels: number, group: number): boolean {
  return isPointwise(g) && (outPixels >= POINTWISE_PER_SAMPLE_MIN_PIXELS || (outPixels === 1 && group === 1));
}

export function convWeightGrad(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  if (pointwisePays(g, numel(ys.slice(2)), group)) return convWeightGradPointwise(e, x, dY, xs, ys, ws, g, group);
  const cInG = xs[1] / group;
  // Dense convs only (grouped and depthwise ones keep their forms below); one into under 8
  // channels would leave the Slices form per-sample GEMMs that narrow.
  const fewChannelsPay = group === 1 && (cInG * numel(g.kernel) >= BATCH_INNER_MIN_ROWS || ws[0] < GEMM_MIN_CHANNELS);
  if (batchInnerPays(xs, g) && (cInG >= GEMM_MIN_CHANNELS || fewChannelsPay)) return convWeightGradBatchInner(e, x, dY, xs, ys, ws, g, group);
  if (cInG >= GEMM_MIN_CHANNELS) return convWeightGradGemm(e, x, dY, xs, ys, ws, g, group);
  if (depthwiseOnBlocks(e, xs, ys, ws, group)) return convWeightGradDepthwise(e, x, dY, xs, ys, ws, g);
  if (group === 1) return convWeightGradUnfolded(e, x, dY, xs, ys, ws, g);
  return convWeightGradSlices(e, x, dY, xs, ys, ws, g, group);
}
