// The node catalog: every kind, declared once in its own file. Add one line per kind.
import type { NodeKindSpec } from './types.ts';
import { EXPORT } from './export.ts';
import { MODEL_ONNX } from './model-onnx.ts';

export const CATALOG: NodeKindSpec[] = [
  MODEL_ONNX,
  EXPORT,
];

export function findKind(kind: string): NodeKindSpec | undefined {
  return CATALOG.find((k) => k.kind === kind);
}
