// An image-folder dataset: one sub-folder per class (sorted names give the label indices),
// PNG/JPEG decoded by sharp, resized (shorter side), center-cropped, normalized, NCHW or NHWC.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { WhittleError } from '../../shared/errors.ts';
import type { Dataset } from './dataset.ts';

export interface ImageFolderOptions {
  /** Absolute path of the folder holding one sub-folder per class. */
  path: string;
  /** The shorter side is resized to this many pixels. Default 256. */
  resize?: number;
  /** Then a centered square of this side is cut out. Default 224. */
  crop?: number;
  layout?: 'NCHW' | 'NHWC';
  color?: 'rgb' | 'grayscale';
  /** Per channel, applied to values in [0, 1]: (v - mean) / std. One value applies to all channels. */
  mean?: number[];
  std?: number[];
  /** Read at most this many images per class (0 = all). */
  perClassLimit?: number;
  /** Decode only the first this-many files of the whole listing (0 = all); for previews. */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFile { path: string; label: number }

/** Class names (sorted) and image files (sorted within each class). */
export function listImageFolder(root: string, perClassLimit = 0): { classNames: string[]; files: ImageFile[]; totalBytes: number; latestMtimeMs: number } {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    throw new WhittleError('data.not-found', `Cannot read the image folder '${root}'.`, 'Pick a folder that holds one sub-folder of images per class.');
  }
  const classNames = entries.filter((e) => !e.startsWith('.') && statSync(join(root, e)).isDirectory()).sort();
  if (classNames.length === 0) {
    throw new WhittleError('data.no-classes', `The image folder '${root}' has no class sub-folders.`, 'Put the images of each class in a sub-folder named after the class (e.g. cat/, dog/).');
  }
  const files: ImageFile[] = [];
  let totalBytes = 0;
  let latestMtimeMs = 0;
  classNames.forEach((cls, label) => {
    let names = readdirSync(join(root, cls)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    if (perClassLimit > 0) names = names.slice(0, perClassLimit);
    for (const f of names) {
      const path = join(root, cls, f);
      const st = statSync(path);
      totalBytes += st.size;
      latestMtimeMs = Math.max(latestMtimeMs, st.mtimeMs);
      files.push({ path, label });
    }
  });
  return { classNames, files, totalBytes, latestMtimeMs };
}

function perChannel(values: number[] | undefined, channels: number, fallback: number, what: string): number[] {
  const v = values && values.length > 0 ? values : [fallback];
  if (v.length === 1) return new Array<number>(channels).fill(v[0]);
  if (v.length !== channels) {
    throw new WhittleError('data.bad-normalize', `The ${what} has ${v.length} values but the images have ${channels} channel(s).`, `Give one value, or one per channel (${channels}).`);
  }
  return v;
}

/** Decodes one image into `channels` x crop x crop bytes (HWC), resized and center-cropped. */
export async function decodeImage(path: string, resize: number, crop: number, channels: 1 | 3): Promise<Buffer> {
  let pipeline = sharp(path, { failOn: 'error' }).rotate().resize({ width: resize, height: resize, fit: 'outside' });
  pipeline = channels === 1 ? pipeline.grayscale() : pipeline.removeAlpha().toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.width < crop || info.height < crop) {
      throw new WhittleError('data.bad-crop', `The crop (${crop} px) is larger than the resized image (${info.width}x${info.height}).`, 'Make the crop at most the resize value.');
    }
    const left = Math.floor((info.width - crop) / 2);
    const top = Math.floor((info.height - crop) / 2);
    const out = Buffer.alloc(crop * crop * channels);
    for (let y = 0; y < crop; y++) {
      const src = ((top + y) * info.width + left) * info.channels;
      if (info.channels === channels) {
        data.copy(out, y * crop * channels, src, src + crop * channels);
      } else {
        for (let x = 0; x < crop; x++) for (let c = 0; c < channels; c++) out[(y * crop + x) * channels + c] = data[src + x * info.channels + c];
      }
    }
    return out;
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    throw new WhittleError('data.bad-image', `Cannot decode the image '${path}': ${err instanceof Error ? err.message : String(err)}`, 'Remove or replace the file; PNG and JPEG are supported.');
  }
}

export async function loadImageFolder(opts: ImageFolderOptions): Promise<Dataset> {
  const resize = opts.resize ?? 256;
  const crop = opts.crop ?? 224;
  const layout = opts.layout ?? 'NCHW';
  const channels = opts.color === 'grayscale' ? 1 : 3;
  if (crop > resize) throw new WhittleError('data.bad-crop', `The crop (${crop} px) is larger than the resize (${resize} px).`, 'Make the crop at most the resize value.');
  const mean = perChannel(opts.mean, channels, 0, 'mean');
  const std = perChannel(opts.std, channels, 1, 'standard deviation');
  if (std.some((s) => s === 0)) throw new WhittleError('data.bad-normalize', 'A standard deviation of 0 would divide by zero.', 'Use positive standard deviations.');
  const listing = listImageFolder(opts.path, opts.perClassLimit ?? 0);
  const { classNames } = listing;
  const files = opts.limit && opts.limit > 0 ? listing.files.slice(0, opts.limit) : listing.files;
  const per = channels * crop * crop;
  const inputs = new Float32Array(files.length * per);
  const labels = new Int32Array(files.length);
  const plane = crop * crop;
  for (let k = 0; k < files.length; k++) {
    opts.signal?.throwIfAborted();
    const hwc = await decodeImage(files[k].path, resize, crop, channels);
    const base = k * per;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const v = (hwc[p * channels + c] / 255 - mean[c]) / std[c];
        inputs[layout === 'NCHW' ? base + c * plane + p : base + p * channels + c] = v;
      }
    }
    labels[k] = files[k].label;
    opts.onProgress?.(k + 1, files.length);
  }
  return {
    name: opts.path.split(/[\\/]/).filter(Boolean).pop() ?? opts.path,
    size: files.length,
    sampleShape: layout === 'NCHW' ? [channels, crop, crop] : [crop, crop, channels],
    inputs, labels, numClasses: classNames.length, classNames,
  };
}
