// A dataset node's params -> the DatasetValue description it sends downstream (absolute
// paths, file fingerprints for the cache key). Shared by the node handlers and previews.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { DatasetValue, Params } from '../../shared/catalog/types.ts';
import { WhittleError } from '../../shared/errors.ts';
import { listImageFolder } from './images.ts';
import { mnistName, type MnistSplit } from './mnist.ts';
import { parseNumberList, resolveDataPath } from './open.ts';

export const DATASET_KINDS = ['dataset.mnist', 'dataset.images', 'dataset.tensors', 'dataset.synthetic', 'dataset.coco'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export function isDatasetKind(kind: string): kind is DatasetKind {
  return (DATASET_KINDS as readonly string[]).includes(kind);
}

/** The shuffle/limit params every dataset node shares, as DatasetValue options. */
function commonOptions(params: Params): Record<string, unknown> {
  return { limit: Number(params.limit ?? 0), shuffle: params.shuffle === true, seed: Number(params.seed ?? 0) };
}

/** Size and modification time of a file, so a changed file gives a different description (and cache key). */
export function fileFingerprint(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    throw new WhittleError('data.not-found', `The file '${path}' does not exist or cannot be read.`, 'Check the path; relative paths are relative to the pipeline file.');
  }
}

/** Count, bytes and newest change of a flat image folder, so edited images miss the cache. */
function imageFolderFingerprint(folder: string): string {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    throw new WhittleError('data.not-found', `Cannot read the image folder '${folder}'.`, 'Pick the folder that holds the images the annotation file names.');
  }
  let bytes = 0;
  let latest = 0;
  for (const n of names) {
    const st = statSync(join(folder, n));
    if (!st.isFile()) continue;
    bytes += st.size;
    latest = Math.max(latest, st.mtimeMs);
  }
  return `${names.length}:${bytes}:${Math.round(latest)}`;
}

export function describeDataset(kind: DatasetKind, p: Params, documentDir: string): DatasetValue {
  const value = (source: string, options: Record<string, unknown>, label: string): DatasetValue => ({ type: 'dataset', source, options, label });
  switch (kind) {
    case 'dataset.mnist': {
      const split = String(p.split ?? 'test');
      const sizes: Record<string, number> = { train: 7996, test: 2004, all: 10000 };
      const common = commonOptions(p);
      const limit = Number(common.limit);
      const drawn = limit > 0 && limit < (sizes[split] ?? 0) ? `, ${common.shuffle ? 'a shuffled' : 'the first'} ${limit.toLocaleString('en-US')}` : '';
      return value('mnist', { split, ...common }, `${mnistName(split as MnistSplit, sizes[split] ?? 0)}${drawn}`);
    }
    case 'dataset.images': {
      const folder = resolveDataPath(String(p.path ?? ''), documentDir);
      const listing = listImageFolder(folder, Number(p.perClassLimit ?? 0));
      return value('images', {
        path: folder,
        resize: Number(p.resize ?? 256), crop: Number(p.crop ?? 224),
        color: String(p.color ?? 'rgb'), layout: String(p.layout ?? 'NCHW'),
        mean: parseNumberList(String(p.mean ?? '0'), 'mean'), std: parseNumberList(String(p.std ?? '1'), 'std'),
        perClassLimit: Number(p.perClassLimit ?? 0),
        fingerprint: `${listing.files.length}:${listing.totalBytes}:${Math.round(listing.latestMtimeMs)}`,
        ...commonOptions(p),
      }, basename(resolve(folder)));
    }
    case 'dataset.tensors': {
      const path = resolveDataPath(String(p.path ?? ''), documentDir);
      const labelsPath = String(p.labelsPath ?? '') ? resolveDataPath(String(p.labelsPath), documentDir) : '';
      return value('tensors', {
        path, labelsPath,
        inputsKey: String(p.inputsKey ?? ''), labelsKey: String(p.labelsKey ?? ''),
        scale: Number(p.scale ?? 1),
        fingerprint: [fileFingerprint(path), labelsPath ? fileFingerprint(labelsPath) : ''].join('|'),
        ...commonOptions(p),
      }, basename(path));
    }
    case 'dataset.coco': {
      const annotations = resolveDataPath(String(p.annotations ?? ''), documentDir);
      const images = resolveDataPath(String(p.images ?? ''), documentDir);
      const listing = imageFolderFingerprint(images);
      return value('coco', {
        annotations, images, size: Number(p.size ?? 640), limit: Number(p.limit ?? 0),
        fingerprint: `${fileFingerprint(annotations)}|${listing}`,
      }, basename(annotations));
    }
    case 'dataset.synthetic': {
      const shape = parseNumberList(String(p.shape ?? ''), 'sample shape');
      return value('synthetic', {
        shape, count: Number(p.count ?? 64), seed: Number(p.seed ?? 0),
        distribution: String(p.distribution ?? 'uniform'), numClasses: Number(p.numClasses ?? 0),
      }, `synthetic [${shape.join(', ')}]`);
    }
  }
}
