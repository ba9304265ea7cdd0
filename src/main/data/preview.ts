// Preview thumbnails of a dataset's first samples as PNG data URLs (what the model sees,
// after resize/crop; each sample stretched to its own min..max for display).
import sharp from 'sharp';
import type { Dataset } from './dataset.ts';
import { sampleSize } from './dataset.ts';

export interface PreviewSample {
  index: number;
  label?: number;
  className?: string;
  /** data:image/png;base64,... */
  dataUrl: string;
}

export interface DatasetPreview {
  name: string;
  size: number;
  sampleShape: number[];
  samples: PreviewSample[];
  /** Why no thumbnails were drawn, when the samples are not images. */
  note?: string;
}

interface ImageLayout { height: number; width: number; channels: 1 | 3; planar: boolean }

/** Reads [C,H,W] or [H,W,C] with C in {1,3}, or [H,W], as an image layout; undefined otherwise. */
export function imageLayout(shape: number[]): ImageLayout | undefined {
  if (shape.length === 2) return { height: shape[0], width: shape[1], channels: 1, planar: true };
  if (shape.length !== 3) return undefined;
  if (shape[0] === 1 || shape[0] === 3) return { height: shape[1], width: shape[2], channels: shape[0] as 1 | 3, planar: true };
  if (shape[2] === 1 || shape[2] === 3) return { height: shape[0], width: shape[1], channels: shape[2] as 1 | 3, planar: false };
  return undefined;
}

/** One sample as interleaved 8-bit pixels, stretched to its min..max. */
export function samplePixels(ds: Dataset, index: number, layout: ImageLayout): Buffer {
  const per = sampleSize(ds);
  const values = ds.inputs.subarray(index * per, (index + 1) * per);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  const range = max - min || 1;
  const { height, width, channels, planar } = layout;
  const plane = height * width;
  const out = Buffer.alloc(plane * channels);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      const v = planar ? values[c * plane + p] : values[p * channels + c];
      out[p * channels + c] = Math.round(((v - min) / range) * 255);
    }
  }
  return out;
}

/**
 * Which samples to show: for a labelled dataset, the classes in turn (first of each class,
 * then second of each...) so a class-sorted split does not show one class only; else the first.
 */
export function spreadIndices(ds: Pick<Dataset, 'size' | 'labels'>, count: number): number[] {
  const n = Math.min(count, ds.size);
  if (!ds.labels) return Array.from({ length: n }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  ds.labels.forEach((l, i) => { const list = byClass.get(l); if (list) list.push(i); else byClass.set(l, [i]); });
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const out: number[] = [];
  for (let round = 0; out.length < n; round++) {
    for (const q of queues) if (round < q.length && out.length < n) out.push(q[round]);
  }
  return out;
}

export async function previewDataset(ds: Dataset, count = 8, thumbPx = 64): Promise<DatasetPreview> {
  const base = { name: ds.name, size: ds.size, sampleShape: ds.sampleShape };
  const layout = imageLayout(ds.sampleShape);
  if (!layout) return { ...base, samples: [], note: `Samples of shape [${ds.sampleShape.join(', ')}] are not images.` };
  const samples: PreviewSample[] = [];
  for (const i of spreadIndices(ds, count)) {
    let img = sharp(samplePixels(ds, i, layout), { raw: { width: layout.width, height: layout.height, channels: layout.channels } });
    const longer = Math.max(layout.width, layout.height);
    // Small images (MNIST) are scaled up with nearest neighbour so pixels stay crisp; big ones scaled down.
    if (longer !== thumbPx) img = img.resize({ width: thumbPx, height: thumbPx, fit: 'inside', kernel: longer < thumbPx ? 'nearest' : 'lanczos3' });
    const png = await img.png().toBuffer();
    const label = ds.labels?.[i];
    samples.push({ index: i, label, className: label !== undefined ? ds.classNames?.[label] : undefined, dataUrl: `data:image/png;base64,${png.toString('base64')}` });
  }
  return { ...base, samples };
}
