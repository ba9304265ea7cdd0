// Simple image augmentation on a batch buffer: random shift (= pad-and-crop with zero fill)
// and horizontal flip. Flips are off by default: they turn digits and text into other symbols.

export interface AugmentSpec {
  /** Largest shift in pixels along each spatial axis (0 = none). */
  shiftPx?: number;
  /** Mirror left-right with probability 0.5. */
  flip?: boolean;
}

/**
 * Copy `count` samples of shape [C, H, W] from `src` to `dst`, each shifted by a random
 * (dy, dx) in [-shiftPx, shiftPx] and maybe mirrored; cells shifted in from outside are 0.
 */
export function augmentImages(src: Float32Array, dst: Float32Array, count: number, sampleShape: number[], spec: AugmentSpec, rand: () => number): void {
  const [c, h, w] = sampleShape.length === 3 ? sampleShape : [1, sampleShape[0], sampleShape[1] ?? 1];
  const shift = spec.shiftPx ?? 0;
  const plane = h * w;
  for (let s = 0; s < count; s++) {
    const dy = shift > 0 ? Math.floor(rand() * (2 * shift + 1)) - shift : 0;
    const dx = shift > 0 ? Math.floor(rand() * (2 * shift + 1)) - shift : 0;
    const flip = spec.flip ? rand() < 0.5 : false;
    for (let ch = 0; ch < c; ch++) {
      const base = (s * c + ch) * plane;
      for (let y = 0; y < h; y++) {
        const sy = y - dy;
        const row = base + y * w;
        if (sy < 0 || sy >= h) { dst.fill(0, row, row + w); continue; }
        const srcRow = base + sy * w;
        for (let x = 0; x < w; x++) {
          const sx = (flip ? w - 1 - x : x) - dx;
          dst[row + x] = sx >= 0 && sx < w ? src[srcRow + sx] : 0;
        }
      }
    }
  }
}
