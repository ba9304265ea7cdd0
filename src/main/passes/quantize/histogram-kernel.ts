// The calibration histogram's per-value loops in WebAssembly: a SIMD min/max and the |x|
// binning. They run over every activation value the histogram methods see (MobileNetV2: 7 M
// per sample, EfficientNet-B0-style: 22 M), where the same loops in JavaScript cost about as
// much as the forward pass itself. Binning takes four values per step into four sub-histograms
// (the scalar loop with one histogram: ~2.6 ns per value on ReLU-like data; see the .wat).
// Values reach the kernel's memory in scratch-sized parts, which the loops then read from cache.

/** histogram-kernel.wat assembled (wat2wasm with SIMD); its test re-assembles the text and compares. */
export const KERNEL_WASM = 'AGFzbQEAAAABDQJgAn9/AGAEf398fAACDwEDZW52Bm1lbW9yeQIAAQMEAwABAQcWAwVyYW5nZQAAA2JpbgABBHNjYW4AAgqBCAPcAQMDewF/A339DAAAgH8AAIB/AACAfwAAgH8hAv0MAACA/wAAgP8AAID/AACA/yEDIAEgASAAa0EPcWshBQJAA0AgACAFTw0BIAD9AAIAIQQgAiAE/egBIQIgAyAE/ekBIQMgAEEQaiEADAALCyAC/R8AIAL9HwGWIAL9HwIgAv0fA5aWIQcgA/0fACAD/R8BlyAD/R8CIAP9HwOXlyEIAkADQCAAIAFPDQEgACoCACEGIAcgBpYhByAIIAaXIQggAEEEaiEADAALC0GQgAIgBzgCAEGUgAIgCDgCAAueAgIDewF/IAP9FCEFAkADQCAAIAFPDQEgAP0AAgD94AEhBCAAQRBqIQAgBP1fIAX98gH9/AEgBCAE/Q0ICQoLDA0ODwABAgMEBQYH/V8gBf3yAf38Af0NAAECAwQFBgcQERITFBUWF/0M/wcAAP8HAAD/BwAA/wcAAP23ASEGIAb9DAAIAAAACAAAAAgAAAAIAAAgBP0MAACAfwAAgH8AAIB/AACAf/1D/VIhBiAGQQL9qwH9DAAAAAAEIAAACEAAAAxgAAD9rgEhBiAG/RsAIQcgByAHKAIAQQFqNgIAIAb9GwEhByAHIAcoAgBBAWo2AgAgBv0bAiEHIAcgBygCAEEBajYCACAG/RsDIQcgByAHKAIAQQFqNgIADAALCwuABAMJewF/An0gA/0UIQggAv0UIQn9DAAAgH8AAIB/AACAfwAAgH8hBv0MAACA/wAAgP8AAID/AACA/yEHAkADQCAAIAFPDQEgAP0AAgAhBCAAQRBqIQAgBiAE/eoBIQYgByAE/esBIQcgBP3gASEFIAX9XyEKIAUgBf0NCAkKCwwNDg8AAQIDBAUGB/1fIQsgCiAI/fIB/fwBIAsgCP3yAf38Af0NAAECAwQFBgcQERITFBUWF/0M/wcAAP8HAAD/BwAA/wcAAP23ASEMIAz9DAAIAAAACAAAAAgAAAAIAAAgCiAJ/UkgCyAJ/Un9DQABAgMICQoLEBESExgZGhv9UiEMIAxBAv2rAf0MAAAAAAQgAAAIQAAADGAAAP2uASEMIAz9GwAhDSANIA0oAgBBAWo2AgAgDP0bASENIA0gDSgCAEEBajYCACAM/RsCIQ0gDSANKAIAQQFqNgIAIAz9GwMhDSANIA0oAgBBAWo2AgAMAAsLIAb9HwAhDiAG/R8BIA4gBv0fASAOXRshDiAG/R8CIA4gBv0fAiAOXRshDiAG/R8DIA4gBv0fAyAOXRshDiAH/R8AIQ8gB/0fASAPIAf9HwEgD14bIQ8gB/0fAiAPIAf9HwIgD14bIQ8gB/0fAyAPIAf9HwMgD14bIQ9BkIACIA44AgBBlIACIA84AgAL';

/** Bins of the histogram the kernel fills (calibrate.ts's HISTOGRAM_BINS). */
export const KERNEL_BINS = 2048;
/** Slots per sub-histogram: the bins and one for values left unbinned. */
const SLOTS = KERNEL_BINS + 1;
const SUB_HISTOGRAMS = 4;
const RANGE_OFFSET_BYTES = SUB_HISTOGRAMS * SLOTS * 4;
const VALUES_OFFSET_BYTES = 65536;
const PAGE_BYTES = 65536;
/**
 * Values are copied in through a scratch area of this many floats (64 KB: the part is still in L2
 * when the kernel reads it; cold values binned through 1 MB parts took 2.6 ns each, 64 KB 1.7-1.8).
 */
const SCRATCH_FLOATS = 16 * 1024;

/** The part of the WebAssembly API used here (the main process's type libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  range(start: number, end: number): void;
  bin(start: number, end: number, limit: number, perBin: number): void;
  scan(start: number, end: number, limit: number, perBin: number): void;
}

let compiled: object | undefined;
let shared: HistogramKernel | undefined;

export class HistogramKernel {
  private readonly exports: KernelExports;
  private readonly memory: { buffer: ArrayBuffer };
  constructor() {
    compiled ??= new wasm.Module(Buffer.from(KERNEL_WASM, 'base64'));
    // Room for a quad of NaN padding after a full scratch part.
    this.memory = new wasm.Memory({ initial: Math.ceil((VALUES_OFFSET_BYTES + (SCRATCH_FLOATS + 4) * 4) / PAGE_BYTES) });
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
    this.each(values, false, (start, end) => {
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
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const out = new Float32Array(this.memory.buffer, RANGE_OFFSET_BYTES, 2);
    const padding = this.each(values, true, (start, end) => {
      this.exports.scan(start, end, limit, perBin);
      min = Math.min(min, out[0]);
      max = Math.max(max, out[1]);
    });
    const left = this.unbinned() - padding;
    this.takeCounts(left === 0 ? hist : undefined);
    return left === 0 ? { min, max } : undefined;
  }

  /**
   * Add |x| of `values` into `hist` (KERNEL_BINS bins over [0, limit), perBin = KERNEL_BINS / limit);
   * values at the edge, or whose product rounds up to it, go to the last bin. Returns the NaN/Inf count.
   */
  addAbsolute(values: Float32Array, limit: number, perBin: number, hist: Float64Array): number {
    const padding = this.each(values, true, (start, end) => this.exports.bin(start, end, limit, perBin));
    const bad = this.unbinned() - padding;
    this.takeCounts(hist);
    return bad;
  }

  /** Values counted in the unbinned slots since the counts were last taken. */
  private unbinned(): number {
    const counts = new Int32Array(this.memory.buffer, 0, SUB_HISTOGRAMS * SLOTS);
    let n = 0;
    for (let k = 0; k < SUB_HISTOGRAMS; k++) n += counts[k * SLOTS + KERNEL_BINS];
    return n;
  }

  /** Add the sub-histograms' bins into `hist`, or drop them without one; clears every count either way. */
  private takeCounts(hist: Float64Array | undefined): void {
    const counts = new Int32Array(this.memory.buffer, 0, SUB_HISTOGRAMS * SLOTS);
    if (hist) {
      for (let j = 0; j < KERNEL_BINS; j++) hist[j] += counts[j] + counts[SLOTS + j] + counts[2 * SLOTS + j] + counts[3 * SLOTS + j];
    }
    counts.fill(0);
  }

  /**
   * Call `fn` with the byte range of each scratch-sized part of `values`, copied into this memory;
   * with `quads`, the last part is padded with NaN to whole quads. Returns the padding's count.
   */
  private each(values: Float32Array, quads: boolean, fn: (start: number, end: number) => void): number {
    const scratch = new Float32Array(this.memory.buffer, VALUES_OFFSET_BYTES, SCRATCH_FLOATS + 4);
    let padding = 0;
    for (let i = 0; i < values.length; i += SCRATCH_FLOATS) {
      const part = values.subarray(i, Math.min(values.length, i + SCRATCH_FLOATS));
      scratch.set(part);
      let length = part.length;
      if (quads) {
        padding += (4 - (length % 4)) % 4;
        while (length % 4 !== 0) scratch[length++] = Number.NaN;
      }
      fn(VALUES_OFFSET_BYTES, VALUES_OFFSET_BYTES + length * 4);
    }
    return padding;
  }
}
