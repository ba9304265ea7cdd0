// `dataset.images`: an image folder; the description carries the absolute folder and a
// fingerprint of its files so that changed images change the cache key.
import { basename, resolve } from 'node:path';
import { listImageFolder } from '../../data/images.ts';
import { parseNumberList, resolveDataPath } from '../../data/open.ts';
import type { NodeHandler } from '../handler.ts';
import { commonOptions, datasetNode } from './dataset-common.ts';

export const datasetImages: NodeHandler = async (ctx) => {
  const p = ctx.params;
  const folder = resolveDataPath(String(p.path ?? ''), ctx.documentDir);
  const listing = listImageFolder(folder, Number(p.perClassLimit ?? 0));
  const options = {
    path: folder,
    resize: Number(p.resize ?? 256), crop: Number(p.crop ?? 224),
    color: String(p.color ?? 'rgb'), layout: String(p.layout ?? 'NCHW'),
    mean: parseNumberList(String(p.mean ?? '0'), 'mean'), std: parseNumberList(String(p.std ?? '1'), 'std'),
    perClassLimit: Number(p.perClassLimit ?? 0),
    fingerprint: `${listing.files.length}:${listing.totalBytes}:${Math.round(listing.latestMtimeMs)}`,
    ...commonOptions(p),
  };
  return datasetNode(ctx, 'images', options, basename(resolve(folder)));
};
