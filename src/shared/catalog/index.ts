// The node catalog: every kind, declared once in its own file. Add one line per kind.
import type { NodeKindSpec } from './types.ts';
import { EXPORT } from './export.ts';
import { MODEL_ONNX } from './model-onnx.ts';
import { MODEL_ZOO } from './model-zoo.ts';
import { DATASET_MNIST } from './dataset-mnist.ts';
import { DATASET_IMAGES } from './dataset-images.ts';
import { DATASET_TENSORS } from './dataset-tensors.ts';
import { DATASET_SYNTHETIC } from './dataset-synthetic.ts';
import { DATASET_COCO } from './dataset-coco.ts';
import { EVALUATE } from './evaluate.ts';
import { BENCHMARK } from './benchmark.ts';
import { PRUNE } from './prune.ts';
import { SHARE } from './share.ts';
import { PACK } from './pack.ts';
import { SENSITIVITY } from './sensitivity.ts';
import { QUANTIZE } from './quantize.ts';
import { TRAIN } from './train.ts';
import { DISTILL } from './distill.ts';
import { PROFILE } from './profile.ts';

export const CATALOG: NodeKindSpec[] = [
  MODEL_ONNX, MODEL_ZOO,
  EXPORT,
  DATASET_MNIST, DATASET_IMAGES, DATASET_TENSORS, DATASET_SYNTHETIC, DATASET_COCO,
  EVALUATE, BENCHMARK,
  PRUNE, SHARE, SENSITIVITY, PACK,
  QUANTIZE,
  TRAIN, DISTILL,
  PROFILE,
];

export function findKind(kind: string): NodeKindSpec | undefined {
  return CATALOG.find((k) => k.kind === kind);
}
