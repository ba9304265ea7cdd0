// `model.zoo`: build the chosen architecture, check ONNX Runtime loads it, save it in the
// node's workDir and report its statistics.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NodeHandler } from '../handler.ts';
import type { ModelValue } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { buildModel, type BuildOptions } from '../../onnx/builder/index.ts';
import { saveModelFile } from '../../onnx/file.ts';
import { decodeModel, type Model } from '../../onnx/model.ts';
import { fillSkeleton } from '../../onnx/skeleton.ts';
import { modelStats } from '../../onnx/stats.ts';
import { createSession } from '../../runtime/session.ts';

const LABELS: Record<string, string> = {
  'mlp': 'MLP', 'lenet5': 'LeNet-5', 'mobilenetv2': 'MobileNetV2', 'resnet18': 'ResNet-18', 'resnet-small': 'ResNet-small', 'yolo-tiny': 'YOLOv8-n-style',
};

export function zooOptions(params: Record<string, unknown>): BuildOptions {
  const hidden = String(params.hidden ?? '64,64').split(',').map((s) => Number(s.trim()));
  return {
    seed: Number(params.seed ?? 0),
    classes: Number(params.classes ?? 10),
    hidden,
    width: Number(params.width ?? 1),
    inputSize: Number(params.inputSize ?? 224),
    inputChannels: Number(params.inputChannels ?? 3),
    batchNorm: params.batchNorm === undefined ? true : Boolean(params.batchNorm),
    baseWidth: Number(params.baseWidth ?? 0) || undefined,
  };
}

/** Architectures shipped as skeletons in resources/models (weights drawn from the seed). */
const SKELETONS: Record<string, string> = { 'yolo-tiny': 'yolo-tiny.skeleton.onnx' };

/** A bundled model file, found by walking up from this file (source tree, out/, packaged app). */
function bundledModel(name: string, start = import.meta.dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'models', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new WhittleError('model-zoo.missing-skeleton', `The bundled architecture ${name} is missing from resources/models.`, 'Reinstall Whittle; the file ships with it.');
  }
}

function buildZooModel(arch: string, options: BuildOptions): Model {
  const skeleton = SKELETONS[arch];
  if (skeleton) return decodeModel(fillSkeleton(readFileSync(bundledModel(skeleton)), options.seed ?? 0), `the bundled ${arch}`);
  return buildModel(arch, options);
}

export const modelZoo: NodeHandler = async (ctx) => {
  const arch = String(ctx.params.arch ?? 'lenet5');
  const options = zooOptions(ctx.params);
  if (arch === 'mlp' && options.hidden!.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new WhittleError('model-zoo.bad-hidden', `The hidden layer widths '${String(ctx.params.hidden)}' are not positive integers.`, 'Give widths such as 128,64.', ctx.nodeId);
  }
  ctx.progress(0, 3, `Building ${LABELS[arch] ?? arch}`);
  let model;
  try {
    model = buildZooModel(arch, options);
  } catch (err) {
    if (err instanceof WhittleError) err.nodeId = ctx.nodeId;
    throw err;
  }
  ctx.signal.throwIfAborted();
  ctx.progress(1, 3, 'Saving');
  const path = join(ctx.workDir, `${arch}.onnx`);
  saveModelFile(model, path);
  const bytes = await readFile(path);
  ctx.progress(2, 3, 'Loading in ONNX Runtime');
  const session = await createSession(new Uint8Array(bytes), { optimization: 'disabled', threads: 1 });
  await session.release();
  const stats = modelStats(model, { bytes });
  const label = `${LABELS[arch] ?? arch} (seed ${options.seed})`;
  const value: ModelValue = { type: 'model', path, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label };
  ctx.progress(3, 3, 'Built');
  return {
    outputs: { model: value },
    metrics: {
      arch, parameters: stats.params, macs: stats.macs, sizeBytes: bytes.length, gzipSizeBytes: stats.gzipSizeBytes ?? 0,
      nodes: stats.nodeCount, opset: stats.opset ?? 0,
      inputs: stats.inputs.map((t) => `${t.name}: ${t.elemType}[${(t.dims ?? []).join(',')}]`).join('; '),
    },
  };
};
