// The calibration histogram's per-value loops in WebAssembly: a SIMD min/max and the |x|
// binning. They run over every activation value the histogram methods see (MobileNetV2: 7 M
// per sample), where the same loops in JavaScript cost about as much as the forward pass
// itself; these run about three times faster (MobileNetV2's values: 6 ns -> 2 ns each).
// ONNX Runtime writes the calibrated values straight into a kernel's memory, so the loops read
// them in place.

/** histogram-kernel.wat assembled (wat2wasm with SIMD); its test re-assembles the text and compares. */
export const KERNEL_WASM = 'AGFzbQEAAAABDgJgAn9/AGAEf398fAF/Ag8BA2VudgZtZW1vcnkCAAEDBAMAAQEHFgMFcmFuZ2UAAANiaW4AAQRzY2FuAAIK5AMD3AEDA3sBfwN9/QwAAIB/AACAfwAAgH8AAIB/IQL9DAAAgP8AAID/AACA/wAAgP8hAyABIAEgAGtBD3FrIQUCQANAIAAgBU8NASAA/QACACEEIAIgBP3oASECIAMgBP3pASEDIABBEGohAAwACwsgAv0fACAC/R8BliAC/R8CIAL9HwOWliEHIAP9HwAgA/0fAZcgA/0fAiAD/R8Dl5chCAJAA0AgACABTw0BIAAqAgAhBiAHIAaWIQcgCCAGlyEIIABBBGohAAwACwtBhMAAIAc4AgBBiMAAIAg4AgALcwIBfAJ/AkADQCAAIAFPDQEgACoCAIu7IQQgAEEEaiEAIAQgAmMEQCAEIAOiq0ECdCEFIAUgBSgCAEEBajYCAAUgBCAEoUQAAAAAAAAAAGEEQEGAwABBgMAAKAIAQQFqNgIABSAGQQFqIQYLCwwACwsgBguPAQQBfQF8An8CfUMAAIB/IQhDAACA/yEJAkADQCAAIAFPDQEgACoCACEEIABBBGohACAEIAggBCAIXRshCCAEIAkgBCAJXhshCSAEi7shBSAFIAJjBEAgBSADoqtBAnQhBiAGIAYoAgBBAWo2AgAFIAdBAWohBwsMAAsLQYTAACAIOAIAQYjAACAJOAIAIAcL';

/** Bins of the histogram the kernel fills (calibrate.ts's HISTOGRAM_BINS). */
export const KERNEL_BINS = 2048;
const RANGE_OFFSET_BYTES = 8196;
const VALUES_OFFSET_BYTES = 16384;
const PAGE_BYTES = 65536;
/** Values that are not in a kernel's memory are copied in through a scratch area of this many floats. */
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
/** Kernels by the memory their buffers live in: values from one of them are read in place. */
const owners = new WeakMap<ArrayBufferLike, HistogramKernel>();
let shared: HistogramKernel | undefined;

export class HistogramKernel {
  private readonly exports: KernelExports;
  private readonly memory: { buffer: ArrayBuffer };
  /** Next free byte for `allocate`; the scratch area comes first. */
  private next = VALUES_OFFSET_BYTES + SCRATCH_FLOATS * 4;

  /** A kernel whose memory also holds `bufferFloats` floats for `allocate` (fixed: growing would detach the buffers). */
  constructor(bufferFloats = 0) {
    compiled ??= new wasm.Module(Buffer.from(KERNEL_WASM, 'base64'));
    const bytes = this.next + bufferFloats * 4 + 16 * 64;
    this.memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
    this.exports = new wasm.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    owners.set(this.memory.buffer, this);
  }

  /** The kernel for `values`: the one whose memory holds them, else a shared one that copies them in. */
  static for(values: Float32Array): HistogramKernel {
    const owner = owners.get(values.buffer);
    if (owner) return owner;
    shared ??= new HistogramKernel();
    return shared;
  }

  /** A buffer of `floats` in this kernel's memory (for ONNX Runtime to write values into). */
  allocate(floats: number): Float32Array {
    const start = this.next;
    this.next += Math.ceil((floats * 4) / 64) * 64;
    if (this.next > this.memory.buffer.byteLength) throw new RangeError(`histogram kernel memory is full (${floats} floats asked)`);
    return new Float32Array(this.memory.buffer, start, floats);
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

  /** Call `fn` with byte ranges of `values` in this memory: in place when they live here, else copied through the scratch area. */
  private each(values: Float32Array, fn: (start: number, end: number) => void): void {
    if (values.buffer === this.memory.buffer) return fn(values.byteOffset, values.byteOffset + values.byteLength);
    const scratch = new Float32Array(this.memory.buffer, VALUES_OFFSET_BYTES, SCRATCH_FLOATS);
    for (let i = 0; i < values.length; i += SCRATCH_FLOATS) {
      const part = values.subarray(i, Math.min(values.length, i + SCRATCH_FLOATS));
      scratch.set(part);
      fn(VALUES_OFFSET_BYTES, VALUES_OFFSET_BYTES + part.byteLength);
    }
  }
}
