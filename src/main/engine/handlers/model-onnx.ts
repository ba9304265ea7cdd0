// `model.onnx`: read an .onnx file, check that ONNX Runtime loads it, report its
// interface and size, and hand a copy (in this node's workDir, moved to the cache) downstream.
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { NodeHandler } from '../handler.ts';
import type { ModelValue, NodeResult } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { opsetVersion } from '../../onnx/model.ts';
import { modelStats, type TensorSummary } from '../../onnx/stats.ts';
import { loadModelFileWithInfo, saveModelFile } from '../../onnx/file.ts';
import { createSession } from '../../runtime/session.ts';

function describePorts(ports: TensorSummary[]): string {
  return ports.map((p) => `${p.name}: ${p.elemType}[${(p.dims ?? []).map((d) => (d === -1 ? '?' : d)).join(',')}]`).join('; ');
}

export const modelOnnx: NodeHandler = async (ctx) => {
  const rel = String(ctx.params.path ?? '');
  if (!rel) throw new WhittleError('model.no-path', 'No model file is chosen.', 'Choose an .onnx file in the node\'s "Model file" field.', ctx.nodeId);
  const file = resolve(ctx.documentDir, rel);
  ctx.progress(1, 3, 'Decoding');
  // Every structural check a hostile file needs, and external data read in.
  const loaded = loadModelFileWithInfo(file);
  const { model } = loaded;
  ctx.signal.throwIfAborted();
  ctx.progress(2, 3, 'Loading in ONNX Runtime');
  const session = await createSession(file, { optimization: 'disabled', threads: 1 });
  await session.release();
  ctx.signal.throwIfAborted();

  // Downstream nodes get one self-contained file: external data is folded in (or split
  // again by saveModelFile past protobuf's 2 GiB limit); a plain file is copied byte for byte.
  const copy = resolve(ctx.workDir, basename(file));
  if (loaded.externalFiles.length > 0) saveModelFile(model, copy);
  else await copyFile(file, copy);
  const copyBytes = await readFile(copy);
  const sha256 = createHash('sha256').update(copyBytes).digest('hex');
  const sizeBytes = loaded.sizeBytes + loaded.externalBytes;
  const stats = modelStats(model, { bytes: copyBytes, sizeBytes });
  const { inputs, outputs } = stats;
  const value: ModelValue = { type: 'model', path: copy, sha256, sizeBytes: copyBytes.length, label: basename(file).replace(/\.onnx$/i, '') };
  ctx.progress(3, 3, 'Loaded');
  const result: NodeResult = {
    outputs: { model: value },
    metrics: {
      inputs: describePorts(inputs),
      outputs: describePorts(outputs),
      opset: opsetVersion(model) ?? 0,
      irVersion: Number(model.irVersion),
      parameters: stats.params,
      macs: stats.macs,
      nodes: stats.nodeCount,
      sizeBytes,
      gzipSizeBytes: stats.gzipSizeBytes ?? 0,
      sha256,
    },
    reports: [{ kind: 'model.io', title: 'Inputs and outputs', data: { inputs, outputs, producer: model.producerName ?? '', externalFiles: loaded.externalFiles.length } }],
  };
  return result;
};
