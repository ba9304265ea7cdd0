// A dataset node's params -> the DatasetValue description it sends downstream (absolute
// paths, file fingerprints for the cache key). Shared by the node handlers and previews.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { DatasetValue, Params } from '../../shared/catalog/types.ts';
import { WhittleError } from '../../shared/errors.ts';
import { listImageFolder } from './images.ts';
import { mnistName, type MnistSplit } from './mnist.ts';
import { parseNumberList, resolveDataPath } from './open.ts';

export const DATASET_KINDS = ['dataset.mnist', 'dataset.images', 'dataset.tensors', 'dataset.synthetic'] as const;
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
    case 'dataset.synthetic': {
      const shape = parseNumberList(String(p.shape ?? ''), 'sample shape');
      return value('synthetic', {
        shape, count: Number(p.count ?? 64), seed: Number(p.seed ?? 0),
        distribution: String(p.distribution ?? 'uniform'), numClasses: Number(p.numClasses ?? 0),
      }, `synthetic [${shape.join(', ')}]`);
    }
  }
}
