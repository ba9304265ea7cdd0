// Every node kind's handler, by kind. Add one line per kind (keep the list sorted).
import type { NodeHandler } from '../handler.ts';
import { benchmark } from './benchmark.ts';
import { datasetCoco } from './dataset-coco.ts';
import { datasetImages } from './dataset-images.ts';
import { datasetMnist } from './dataset-mnist.ts';
import { datasetSynthetic } from './dataset-synthetic.ts';
import { datasetTensors } from './dataset-tensors.ts';
import { evaluate } from './evaluate.ts';
import { exportModel } from './export.ts';
import { modelOnnx } from './model-onnx.ts';
import { modelZoo } from './model-zoo.ts';
import { pack } from './pack.ts';
import { profile } from './profile.ts';
import { prune } from './prune.ts';
import { quantize } from './quantize.ts';
import { sensitivity } from './sensitivity.ts';
import { share } from './share.ts';
import { train } from './train.ts';
import { distill } from './distill.ts';

export const HANDLERS: Record<string, NodeHandler> = {
  'benchmark': benchmark,
  'dataset.coco': datasetCoco,
  'dataset.images': datasetImages,
  'dataset.mnist': datasetMnist,
  'dataset.synthetic': datasetSynthetic,
  'dataset.tensors': datasetTensors,
  'distill': distill,
  'evaluate': evaluate,
  'export': exportModel,
  'model.onnx': modelOnnx,
  'model.zoo': modelZoo,
  'pack': pack,
  'profile': profile,
  'prune': prune,
  'quantize': quantize,
  'sensitivity': sensitivity,
  'share': share,
  'train': train,
};
