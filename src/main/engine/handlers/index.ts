// Every node kind's handler, by kind. Add one line per kind (keep the list sorted).
import type { NodeHandler } from '../handler.ts';
import { exportModel } from './export.ts';
import { modelOnnx } from './model-onnx.ts';

export const HANDLERS: Record<string, NodeHandler> = {
  'export': exportModel,
  'model.onnx': modelOnnx,
};
