// The calibration histogram's per-value loops in WebAssembly: a SIMD min/max and the |x|
// binning. They run over every activation value the histogram methods see (MobileNetV2: 7 M
// per sample), where the same loops in JavaScript cost about as much as the forward pass
// itself; these run about three times faster (MobileNetV2's values: 6 ns -> 2 ns each).
// Values reach the kernel's memory in scratch-sized parts, which the loops then read from cache.

/** histogram-kernel.wat assembled (wat2wasm with SIMD); its test re-assembles the text and compares. */
export const KERNEL_WASM = 'AGFzbQEAAAABDgJgAn9/AGAEf398fAF/Ag8BA2VudgZtZW1vcnkCAAEDBAMAAQEHFgMFcmFuZ2UAAANiaW4AAQRzY2FuAAIK5AMD3AEDA3sBfwN9/QwAAIB/AACAfwAAgH8AAIB/IQL9DAAAgP8AAID/AACA/wAAgP8hAyABIAEgAGtBD3FrIQUCQANAIAAgBU8NASAA/QACACEEIAIgBP3oASECIAMgBP3pASEDIABBEGohAAwACwsgAv0fACAC/R8BliAC/R8CIAL9HwOWliEHIAP9HwAgA/0fAZcgA/0fAiAD/R8Dl5chCAJAA0AgACABTw0BIAAqAgAhBiAHIAaWIQcgCCAGlyEIIABBBGohAAwACwtBhMAAIAc4AgBBiMAAIAg4AgALcwIBfAJ/AkADQCAAIAFPDQEgACoCAIu7IQQgAEEEaiEAIAQgAmMEQCAEIAOiq0ECdCEFIAUgBSgCAEEBajYCAAUgBCAEoUQAAAAAAAAAAGEEQEGAwABBgMAAKAIAQQFqNgIABSAGQQFqIQYLCwwACwsgBguPAQQBfQF8An8CfUMAAIB/IQhDAACA/yEJAkADQCAAIAFPDQEgACoCACEEIABBBGohACAEIAggBCAIXRshCCAEIAkgBCAJXhshCSAEi7shBSAFIAJjBEAgBSADoqtBAnQhBiAGIAYoAgBBAWo2AgAFIAdBAWohBwsMAAsLQYTAACAIOAIAQYjAACAJOAIAIAcL';

/** Bins of the histogram the kernel fills (calibrate.ts's HISTOGRAM_BINS). */
export const KERNEL_BINS = 2048;
const RANGE_OFFSET_BYTES = 8196;
const VALUES_OFFSET_BYTES = 16384;
const PAGE_BYTES = 65536;
/** Values are copied in through a scratch area of this many floats (1 MB: stays in cache). */
const SCRATCH_FLOATS = 256 * 1024;

/** The part of the WebAssembly API used here (the main process's type libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  range(start: number, end: number): void;
  bin(start: number, end: number, limit: number, perBin: number): number;
  scan(start: number, end: number, limit: number, perBin: number): number;
}

let compiled: object | undefined;
let shared: HistogramKernel | undefined;

export class HistogramKernel {
  private readonly exports: KernelExports;
  private readonly memory: { buffer: ArrayBuffer };
  constructor() {
    compiled ??= new wasm.Module(Buffer.from(KERNEL_WASM, 'base64'));
    this.memory = new wasm.Memory({ initial: Math.ceil((VALUES_OFFSET_BYTES + SCRATCH_FLOATS * 4) / PAGE_BYTES) });
    this.exports = new wasm.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as KernelExports;
  }

  /** The process's kernel (calls are synchronous, so one serves every calibration). */
  static shared(): HistogramKernel {
    shared ??= new HistogramKernel();
    return shared;
  }

  /** Float32 min and max of `values`; both NaN when any value is NaN, infinite when one is. */
  range(values: Float32Array): { min: number; max: number } {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const out = new Float32Array(this.memory.buffer, RANGE_OFFSET_BYTES, 2);
    this.each(values, (start, end) => {
      this.exports.range(start, end);
      min = Number.isNaN(out[0]) || out[0] < min ? out[0] : min;
      max = Number.isNaN(out[1]) || out[1] > max ? out[1] : max;
    });
    if (Number.isNaN(min) || Number.isNaN(max)) return { min: Number.NaN, max: Number.NaN };
    return { min, max };
  }

  /**
   * One pass for the usual sample: when every value is finite with |x| < limit, bins them into
   * `hist` as addAbsolute does and returns their min and max; otherwise leaves `hist` alone and
   * returns undefined (the caller takes the range first, grows the histogram, then bins).
   */
  scanInside(values: Float32Array, limit: number, perBin: number, hist: Float64Array): { min: number; max: number } | undefined {
    let left = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const out = new Float32Array(this.memory.buffer, RANGE_OFFSET_BYTES, 2);
    this.each(values, (start, end) => {
      left += this.exports.scan(start, end, limit, perBin);
      min = Math.min(min, out[0]);
      max = Math.max(max, out[1]);
    });
    const counted = this.takeCounts(left === 0 ? hist : undefined);
    return counted ? { min, max } : undefined;
  }

  /**
   * Add |x| of `values` into `hist` (KERNEL_BINS bins over [0, limit), perBin = KERNEL_BINS / limit);
   * values at the edge, or whose product rounds up to it, go to the last bin. Returns the NaN/Inf count.
   */
  addAbsolute(values: Float32Array, limit: number, perBin: number, hist: Float64Array): number {
    let bad = 0;
    this.each(values, (start, end) => {
      bad += this.exports.bin(start, end, limit, perBin);
    });
    this.takeCounts(hist);
    return bad;
  }

  /** Move the counts into `hist` (the edge slot into the last bin), or drop them without one; clears them either way. */
  private takeCounts(hist: Float64Array | undefined): boolean {
    const counts = new Int32Array(this.memory.buffer, 0, KERNEL_BINS + 1);
    if (hist) {
      counts[KERNEL_BINS - 1] += counts[KERNEL_BINS];
      for (let j = 0; j < KERNEL_BINS; j++) hist[j] += counts[j];
    }
    counts.fill(0);
    return hist !== undefined;
  }

  /** Call `fn` with the byte range of each scratch-sized part of `values`, copied into this memory. */
  private each(values: Float32Array, fn: (start: number, end: number) => void): void {
    const scratch = new Float32Array(this.memory.buffer, VALUES_OFFSET_BYTES, SCRATCH_FLOATS);
    for (let i = 0; i < values.length; i += SCRATCH_FLOATS) {
      const part = values.subarray(i, Math.min(values.length, i + SCRATCH_FLOATS));
      scratch.set(part);
      fn(VALUES_OFFSET_BYTES, VALUES_OFFSET_BYTES + part.byteLength);
    }
  }
}
