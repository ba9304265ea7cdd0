// The single entry from a DatasetValue (the small description that travels along edges)
// to an in-memory Dataset: every node taking a dataset input materializes it here.
import { isAbsolute, resolve } from 'node:path';
import type { DatasetValue } from '../../shared/catalog/types.ts';
import { WhittleError } from '../../shared/errors.ts';
import { shuffledIndices, subset, type Dataset } from './dataset.ts';
import { loadImageFolder, type ImageFolderOptions } from './images.ts';
import { loadCoco } from './coco.ts';
import { loadMnist, type MnistSplit } from './mnist.ts';
import { makeSynthetic } from './synthetic.ts';
import { loadTensors } from './tensors.ts';

export type DatasetSource = 'mnist' | 'images' | 'tensors' | 'synthetic' | 'coco';

/** Options every source understands, applied after loading: shuffle with a seed, then keep the first `limit`. */
export interface CommonDatasetOptions {
  limit?: number;
  shuffle?: boolean;
  seed?: number;
}

export interface OpenDatasetOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Materialize at most this many samples, before any shuffle (previews); overrides the value's own limit. */
  firstSamples?: number;
}

function str(o: Record<string, unknown>, key: string, fallback = ''): string {
  const v = o[key];
  return typeof v === 'string' ? v : fallback;
}

function num(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function numList(o: Record<string, unknown>, key: string): number[] | undefined {
  const v = o[key];
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') return parseNumberList(v, key);
  return undefined;
}

/** "0.485, 0.456, 0.406" or "1,28,28" -> numbers; empty -> []. */
export function parseNumberList(text: string, what: string): number[] {
  const parts = text.split(/[\s,x×]+/).filter((s) => s.length > 0);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v))) {
    throw new WhittleError('data.bad-list', `'${text}' is not a list of numbers (${what}).`, 'Write numbers separated by commas, e.g. 0.485, 0.456, 0.406.');
  }
  return values;
}

/**
 * Decoded image folders are kept (up to IMAGE_CACHE_BYTES) so the several nodes of a run that
 * read one folder decode it once. Only descriptions with a file fingerprint (what dataset
 * nodes emit) are cached, so changed files miss. Consumers treat Dataset arrays as read-only.
 */
const IMAGE_CACHE_BYTES = 512 * 2 ** 20;
const imageCache = new Map<string, Dataset>();

function cachedImages(key: string): Dataset | undefined {
  const hit = imageCache.get(key);
  if (hit) { imageCache.delete(key); imageCache.set(key, hit); } // most recently used last
  return hit && { ...hit };
}

function rememberImages(key: string, ds: Dataset): void {
  if (ds.inputs.byteLength > IMAGE_CACHE_BYTES) return;
  imageCache.set(key, ds);
  let total = [...imageCache.values()].reduce((a, d) => a + d.inputs.byteLength, 0);
  for (const [k, d] of imageCache) {
    if (total <= IMAGE_CACHE_BYTES) break;
    imageCache.delete(k);
    total -= d.inputs.byteLength;
  }
}

/** A path from a dataset description: relative paths resolve against the pipeline's folder. */
export function resolveDataPath(path: string, documentDir: string): string {
  if (!path) throw new WhittleError('data.no-path', 'The dataset has no path.', 'Choose a file or folder in the inspector.');
  return isAbsolute(path) ? path : resolve(documentDir, path);
}

export async function openDataset(value: DatasetValue, documentDir: string, opts: OpenDatasetOptions = {}): Promise<Dataset> {
  const o = value.options ?? {};
  const first = opts.firstSamples && opts.firstSamples > 0 ? opts.firstSamples : 0;
  let ds: Dataset;
  switch (value.source as DatasetSource) {
    case 'mnist':
      ds = loadMnist(str(o, 'split', 'test') as MnistSplit);
      break;
    case 'images': {
      const imageOpts: ImageFolderOptions = {
        path: resolveDataPath(str(o, 'path'), documentDir),
        resize: num(o, 'resize', 256), crop: num(o, 'crop', 224),
        layout: str(o, 'layout', 'NCHW') === 'NHWC' ? 'NHWC' : 'NCHW',
        color: str(o, 'color', 'rgb') === 'grayscale' ? 'grayscale' : 'rgb',
        mean: numList(o, 'mean'), std: numList(o, 'std'),
        perClassLimit: num(o, 'perClassLimit', 0),
        limit: first, signal: opts.signal, onProgress: opts.onProgress,
      };
      const key = !first && typeof o.fingerprint === 'string' ? JSON.stringify([documentDir, o]) : '';
      const hit = key ? cachedImages(key) : undefined;
      if (hit) { ds = hit; break; }
      ds = await loadImageFolder(imageOpts);
      if (key) { rememberImages(key, ds); ds = { ...ds }; }
      break;
    }
    case 'tensors':
      ds = loadTensors({
        path: resolveDataPath(str(o, 'path'), documentDir),
        labelsPath: str(o, 'labelsPath') ? resolveDataPath(str(o, 'labelsPath'), documentDir) : undefined,
        inputsKey: str(o, 'inputsKey') || undefined, labelsKey: str(o, 'labelsKey') || undefined,
        scale: num(o, 'scale', 1), extraInputKeys: Array.isArray(o.extraInputKeys) ? o.extraInputKeys.map(String).filter(Boolean) : undefined,
      });
      break;
    case 'coco':
      // Sample i stays image i of the file (no shuffle): detections map back through that order.
      ds = await loadCoco({
        annotationsPath: resolveDataPath(str(o, 'annotations'), documentDir), imagesPath: resolveDataPath(str(o, 'images'), documentDir),
        size: num(o, 'size', 640), limit: first || num(o, 'limit', 0), signal: opts.signal, onProgress: opts.onProgress,
      });
      if (value.label) ds.name = value.label;
      return ds;
    case 'synthetic':
      ds = makeSynthetic({
        shape: numList(o, 'shape') ?? [],
        count: first ? Math.min(first, num(o, 'count', 64)) : num(o, 'count', 64),
        seed: num(o, 'seed', 0),
        distribution: str(o, 'distribution') === 'normal' ? 'normal' : 'uniform',
        numClasses: num(o, 'numClasses', 0),
      });
      break;
    default:
      throw new WhittleError('data.unknown-source', `Unknown dataset source '${value.source}'.`, 'Connect a dataset node (MNIST, image folder, tensors or synthetic).');
  }
  if (value.label) ds.name = value.label;
  if (first) return ds.size > first ? subset(ds, Array.from({ length: first }, (_, i) => i)) : ds;
  return applyCommon(ds, { limit: num(o, 'limit', 0), shuffle: o.shuffle === true, seed: num(o, 'seed', 0) });
}

/** Shuffle (seeded), then keep the first `limit` samples; an empty result is an error. */
export function applyCommon(ds: Dataset, c: CommonDatasetOptions): Dataset {
  let out = ds;
  if (c.shuffle) out = subset(out, shuffledIndices(out.size, c.seed ?? 0));
  if (c.limit && c.limit > 0 && c.limit < out.size) out = subset(out, Array.from({ length: c.limit }, (_, i) => i));
  if (out.size === 0) {
    throw new WhittleError('data.empty', `The dataset '${ds.name}' has no samples.`, 'Check the dataset path (each class folder needs PNG or JPEG files) and its limits.');
  }
  return out;
}
