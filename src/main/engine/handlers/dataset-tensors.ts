// `dataset.tensors`: NumPy files; the description carries absolute paths and file fingerprints.
import { basename } from 'node:path';
import { resolveDataPath } from '../../data/open.ts';
import type { NodeHandler } from '../handler.ts';
import { commonOptions, datasetNode, fileFingerprint } from './dataset-common.ts';

export const datasetTensors: NodeHandler = async (ctx) => {
  const p = ctx.params;
  const path = resolveDataPath(String(p.path ?? ''), ctx.documentDir);
  const labelsPath = String(p.labelsPath ?? '') ? resolveDataPath(String(p.labelsPath), ctx.documentDir) : '';
  const options = {
    path, labelsPath,
    inputsKey: String(p.inputsKey ?? ''), labelsKey: String(p.labelsKey ?? ''),
    scale: Number(p.scale ?? 1),
    fingerprint: [fileFingerprint(path), labelsPath ? fileFingerprint(labelsPath) : ''].join('|'),
    ...commonOptions(p),
  };
  return datasetNode(ctx, 'tensors', options, basename(path));
};
