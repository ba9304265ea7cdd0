// datasets.preview: thumbnails of a dataset node's first samples for the inspector, from
// the node's params as they stand in the document (no run needed).
import { WhittleError } from '../../../shared/errors.ts';
import type { Params } from '../../../shared/catalog/types.ts';
import { describeDataset, isDatasetKind } from '../../data/describe.ts';
import { listImageFolder } from '../../data/images.ts';
import { openDataset, resolveDataPath } from '../../data/open.ts';
import { previewDataset } from '../../data/preview.ts';
import type { CallImpl } from '../types.ts';
import { scopedPath } from './files.ts';
import { documentDirOf } from './pipeline.ts';

const DEFAULT_COUNT = 8;
const THUMB_PX = 64;

export const datasetsPreview: CallImpl<'datasets.preview'> = async (req, ctx) => {
  if (!isDatasetKind(req.kind)) {
    throw new WhittleError('datasets.not-a-dataset', `'${req.kind}' is not a dataset node kind.`, 'Previews exist for dataset.mnist, dataset.images, dataset.tensors and dataset.synthetic.');
  }
  const documentDir = documentDirOf(req.documentPath, ctx) ?? process.cwd();
  const spec = ctx.catalog.find((k) => k.kind === req.kind);
  const params: Params = Object.fromEntries(Object.entries(spec?.params ?? {}).map(([k, p]) => [k, p.default]));
  Object.assign(params, req.params);
  // Every door reads only inside its roots: check the paths (real, regular) before touching them.
  for (const [key, param] of Object.entries(spec?.params ?? {})) {
    const p = params[key];
    // The raw value, not a resolved one: resolving could drop a NUL byte with a '..' after it.
    if (param.type === 'path' && typeof p === 'string' && p) scopedPath(ctx, p, param.mode === 'open-folder' ? 'read-folder' : 'read-file', documentDir);
  }
  const count = req.count ?? DEFAULT_COUNT;
  if (req.kind === 'dataset.images') {
    // Decode only a few images of each class: enough for one thumbnail per class in turn.
    const classes = listImageFolder(resolveDataPath(String(params.path ?? ''), documentDir)).classNames.length;
    const perClass = Math.max(1, Math.ceil(count / classes));
    const asked = Number(params.perClassLimit ?? 0);
    params.perClassLimit = asked > 0 ? Math.min(asked, perClass) : perClass;
    params.shuffle = false;
    params.limit = 0;
  }
  // A COCO set is letterboxed image by image: decode only what is shown.
  if (req.kind === 'dataset.coco') params.limit = count;
  // Synthetic data is made, not read: make only what is shown.
  if (req.kind === 'dataset.synthetic') params.count = Math.min(Number(params.count ?? count), count);
  const value = describeDataset(req.kind, params, documentDir);
  const ds = await openDataset(value, documentDir);
  const preview = await previewDataset(ds, count, THUMB_PX);
  const out = { label: value.label, sampleShape: preview.sampleShape, samples: preview.samples.map((s) => {
    const sample: { index: number; dataUrl: string; label?: number; className?: string } = { index: s.index, dataUrl: s.dataUrl };
    if (s.label !== undefined) sample.label = s.label;
    if (s.className !== undefined) sample.className = s.className;
    return sample;
  }) };
  return preview.note ? { ...out, note: preview.note } : out;
};
