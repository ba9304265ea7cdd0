// The pruning mask kept with the model — the contract with fine-tuning (train/).
//
// Contract (stable, version 1): model metadata_props key `whittle.prune.mask` holds JSON
//   { "version": 1, "pattern": "unstructured" | "2:4", "tensors": ["<initializer name>", ...] }
// The zeros of each listed float32 initializer ARE the mask: a trainer keeps every weight
// that is exactly 0.0 in a listed tensor at 0.0 (multiply its gradient/update by w != 0).
// For "2:4" the zeros form 2 of every 4 consecutive weights along the input-channel axis,
// so keeping zeros at zero also keeps the pattern. No side file is written.
import type { Model } from '../../onnx/model.ts';
import { getMetadata, setMetadata } from '../../onnx/model.ts';

export const MASK_KEY = 'whittle.prune.mask';

export type MaskPattern = 'unstructured' | '2:4';

export interface PruneMask {
  version: 1;
  pattern: MaskPattern;
  tensors: string[];
}

export function readMask(model: Model): PruneMask | undefined {
  const raw = getMetadata(model, MASK_KEY);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as PruneMask;
    return Array.isArray(parsed.tensors) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Record `tensors` as masked, merged with a mask already on the model. */
export function writeMask(model: Model, pattern: MaskPattern, tensors: string[]): void {
  const previous = readMask(model);
  const names = new Set([...(previous?.tensors ?? []), ...tensors]);
  const initializers = new Set(model.graph.initializer.map((t) => t.name));
  const mask: PruneMask = {
    version: 1,
    // A 2:4 mask stays 2:4 only if every pass that touched it kept the pattern.
    pattern: previous && previous.pattern !== pattern ? 'unstructured' : pattern,
    tensors: [...names].filter((n) => initializers.has(n)).sort(),
  };
  setMetadata(model, MASK_KEY, JSON.stringify(mask));
}
