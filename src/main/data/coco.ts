// A COCO detection dataset: the annotation JSON (images, annotations with [x, y, w, h] boxes,
// categories) and the folder of its images, each letterboxed like Ultralytics does (scaled to
// fit a square, centred, padded with grey 114), RGB values in [0, 1], NCHW. The letterbox
// geometry travels with the samples so detections map back to the original pixels.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { WhittleError } from '../../shared/errors.ts';
import type { Dataset } from './dataset.ts';

export interface CocoImage { id: number; fileName: string; width: number; height: number }
export interface CocoBox { id: number; imageId: number; categoryId: number; bbox: number[]; iscrowd: boolean }
export interface CocoCategory { id: number; name: string }
export interface CocoAnnotations { images: CocoImage[]; annotations: CocoBox[]; categories: CocoCategory[] }

/** Input pixel = original pixel * scale + pad. */
export interface Letterbox { scale: number; padX: number; padY: number }

export interface CocoDataset extends Dataset {
  detection: {
    /** Per sample, in sample order: the image and how it was letterboxed. */
    images: (CocoImage & Letterbox)[];
    annotations: CocoBox[];
    /** Sorted by id: model class index i is categories[i]. */
    categories: CocoCategory[];
    /** Crowd boxes (scored as ignore regions). */
    crowdBoxes: number;
  };
}

export interface CocoOptions {
  annotationsPath: string;
  imagesPath: string;
  /** Side of the square model input, px. */
  size: number;
  /** First this many images of the file (0 = all). */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const PAD_VALUE = 114;

function bad(path: string, problem: string): WhittleError {
  return new WhittleError('data.bad-coco', `The COCO annotation file '${path}' ${problem}.`, 'Give a COCO detection JSON with "images", "annotations" and "categories" (as instances_val2017.json).');
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function readCocoAnnotations(path: string): CocoAnnotations {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new WhittleError('data.not-found', `Cannot read the COCO annotation file '${path}'.`, 'Check the path; relative paths are relative to the pipeline file.');
    throw bad(path, 'is not valid JSON');
  }
  const o = raw as Record<string, unknown>;
  if (!o || !Array.isArray(o.images) || !Array.isArray(o.annotations) || !Array.isArray(o.categories)) throw bad(path, 'lacks "images", "annotations" or "categories"');
  const images = (o.images as Record<string, unknown>[]).map((im, i) => {
    if (!isNum(im.id) || typeof im.file_name !== 'string' || !isNum(im.width) || !isNum(im.height)) throw bad(path, `has an image (#${i + 1}) without id, file_name, width and height`);
    return { id: im.id, fileName: im.file_name, width: im.width, height: im.height };
  });
  const categories = (o.categories as Record<string, unknown>[]).map((c, i) => {
    if (!isNum(c.id)) throw bad(path, `has a category (#${i + 1}) without an id`);
    return { id: c.id, name: typeof c.name === 'string' ? c.name : String(c.id) };
  }).sort((a, b) => a.id - b.id);
  const imageIds = new Set(images.map((im) => im.id));
  const categoryIds = new Set(categories.map((c) => c.id));
  const annotations = (o.annotations as Record<string, unknown>[]).map((a, i) => {
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(isNum) || bbox[2] < 0 || bbox[3] < 0) throw bad(path, `has an annotation (#${i + 1}) whose bbox is not [x, y, width, height]`);
    if (!isNum(a.image_id) || !imageIds.has(a.image_id)) throw bad(path, `has an annotation (#${i + 1}) of an image it does not list`);
    if (!isNum(a.category_id) || !categoryIds.has(a.category_id)) throw bad(path, `has an annotation (#${i + 1}) of a category it does not list`);
    return { id: isNum(a.id) ? a.id : i + 1, imageId: a.image_id, categoryId: a.category_id, bbox: bbox as number[], iscrowd: a.iscrowd === 1 || a.iscrowd === true };
  });
  return { images, annotations, categories };
}

/** Ultralytics' LetterBox: the largest scale that fits, padding split evenly (rounded as it does). */
export function letterboxGeometry(width: number, height: number, size: number): Letterbox & { resizedWidth: number; resizedHeight: number } {
  const scale = Math.min(size / width, size / height);
  const resizedWidth = Math.round(width * scale);
  const resizedHeight = Math.round(height * scale);
  return { scale, padX: Math.max(0, Math.round((size - resizedWidth) / 2 - 0.1)), padY: Math.max(0, Math.round((size - resizedHeight) / 2 - 0.1)), resizedWidth, resizedHeight };
}

/** One image letterboxed to size x size RGB bytes (HWC), and its geometry. */
export async function letterboxImage(path: string, size: number): Promise<{ hwc: Buffer; box: Letterbox; width: number; height: number }> {
  try {
    const meta = await sharp(path, { failOn: 'error' }).rotate().toBuffer({ resolveWithObject: true });
    const { width, height } = meta.info;
    const g = letterboxGeometry(width, height, size);
    const grey = { r: PAD_VALUE, g: PAD_VALUE, b: PAD_VALUE };
    const { data } = await sharp(meta.data).removeAlpha().toColourspace('srgb')
      .resize({ width: g.resizedWidth, height: g.resizedHeight, fit: 'fill', kernel: 'linear' })
      .extend({ left: g.padX, top: g.padY, right: size - g.resizedWidth - g.padX, bottom: size - g.resizedHeight - g.padY, background: grey })
      .raw().toBuffer({ resolveWithObject: true });
    return { hwc: data, box: { scale: g.scale, padX: g.padX, padY: g.padY }, width, height };
  } catch (err) {
    throw new WhittleError('data.bad-image', `Cannot decode the image '${path}': ${err instanceof Error ? err.message : String(err)}`, 'Remove or replace the file; PNG and JPEG are supported.');
  }
}

export async function loadCoco(opts: CocoOptions): Promise<CocoDataset> {
  const ann = readCocoAnnotations(opts.annotationsPath);
  const images = opts.limit && opts.limit > 0 ? ann.images.slice(0, opts.limit) : ann.images;
  const size = opts.size;
  const plane = size * size;
  const inputs = new Float32Array(images.length * 3 * plane);
  const placed: CocoDataset['detection']['images'] = [];
  for (let k = 0; k < images.length; k++) {
    opts.signal?.throwIfAborted();
    const im = images[k];
    const { hwc, box } = await letterboxImage(join(opts.imagesPath, im.fileName), size);
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) inputs[k * 3 * plane + c * plane + p] = hwc[p * 3 + c] / 255;
    // The annotation file's width and height are what its boxes refer to.
    placed.push({ ...im, ...box });
    opts.onProgress?.(k + 1, images.length);
  }
  const kept = new Set(placed.map((im) => im.id));
  const annotations = ann.annotations.filter((a) => kept.has(a.imageId));
  return {
    name: opts.annotationsPath.split(/[\\/]/).pop() ?? 'coco',
    size: images.length, sampleShape: [3, size, size], inputs,
    numClasses: ann.categories.length, classNames: ann.categories.map((c) => c.name),
    detection: { images: placed, annotations, categories: ann.categories, crowdBoxes: annotations.filter((a) => a.iscrowd).length },
  };
}

/** The detection part of a dataset that came from a COCO node, if it did. */
export function cocoPart(ds: Dataset): CocoDataset['detection'] | undefined {
  return (ds as Partial<CocoDataset>).detection;
}
