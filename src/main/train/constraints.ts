// What fine-tuning must preserve: pruning masks (listed tensors keep their exact zeros, see
// passes/prune/mask.ts) and shared-weight codebooks (the zero cluster stays 0.0, see
// passes/share/cluster.ts). Codebook gradients are per-cluster sums by construction: the
// Gather rule scatter-adds member gradients into the codebook.
import { getMetadata, type Model } from '../onnx/model.ts';

const MASK_KEY = 'whittle.prune.mask';
const SHARE_KEY = 'whittle.share';

/** Per parameter: 1 where the value may change, 0 where it must stay exactly zero. */
export type MaskSet = Map<string, Uint8Array>;

interface ShareLayer { codebook?: string; zeroCluster?: boolean; k?: number; perChannel?: boolean; storage?: string }

function parse<T>(raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try { return JSON.parse(raw) as T; } catch { return undefined; }
}

/** Masks for the model's pruned tensors and zero clusters; `values` gives each parameter's current values. */
export function findMasks(model: Model, values: Map<string, Float32Array>): MaskSet {
  const masks: MaskSet = new Map();
  const zerosOf = (name: string, keep: (i: number, v: number) => boolean) => {
    const v = values.get(name);
    if (!v) return;
    const mask = new Uint8Array(v.length);
    let any = false;
    for (let i = 0; i < v.length; i++) {
      mask[i] = keep(i, v[i]) ? 1 : 0;
      if (!mask[i]) any = true;
    }
    if (any) masks.set(name, mask);
  };
  const prune = parse<{ tensors?: string[] }>(getMetadata(model, MASK_KEY));
  for (const name of prune?.tensors ?? []) zerosOf(name, (_, v) => v !== 0);
  const share = parse<{ layers?: ShareLayer[] }>(getMetadata(model, SHARE_KEY));
  for (const layer of share?.layers ?? []) {
    if (!layer.codebook || !layer.zeroCluster || !layer.k) continue;
    const k = layer.k;
    // Entry 0 of each (per-channel) codebook holds the pruned weights.
    zerosOf(layer.codebook, (i) => i % k !== 0);
  }
  return masks;
}

export function applyMask(values: Float32Array, mask: Uint8Array): void {
  for (let i = 0; i < values.length; i++) if (!mask[i]) values[i] = 0;
}

export function countZeros(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) n++;
  return n;
}
