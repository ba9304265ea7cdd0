// Weight sharing: k-means per layer (or per output channel), stored as a float codebook
// plus uint8 indices so the file really shrinks; ONNX Runtime folds the chain at load time.
//
// Layout contract (stable, version 1) for each clustered weight W of dims D:
//   <W>.indices  uint8 initializer, dims D        (cluster index of every weight)
//   <W>.codebook float32 initializer, dims [k]    (per channel: [C*k], channel c at c*k..c*k+k-1)
//   <W>.offsets  int32 initializer, per channel only: dims D with 1 everywhere except the
//                output-channel axis (value c*k), added so each channel reads its own codebook
//   Cast(<W>.indices, to=INT32) [-> Add(<W>.offsets)] -> Gather(<W>.codebook, axis=0) -> value named W
// so the consuming layer is unchanged. Metadata `whittle.share` holds JSON
//   { "version": 1, "layers": [ { layer, weight, storage: "codebook" | "dense", k, perChannel,
//     zeroCluster, codebook?, indices?, offsets? } ] }
// zeroCluster: entry 0 of each codebook is exactly 0.0 and holds the pruned weights (keep it
// at zero when fine-tuning). With storage "dense" the weight stays a plain initializer whose
// values are snapped to the centroids (no codebook tensors).
import type { Model, Node } from '../../onnx/model.ts';
import { cloneModel, getMetadata, setMetadata } from '../../onnx/model.ts';
import { float32Tensor, makeTensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { makeNode, removeInitializer, setInitializer } from '../../onnx/graph.ts';
import { DataType } from '../../onnx/proto.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { findWeightLayers, requireLayers, type LayerSkip, type WeightLayer } from '../prune/layers.ts';
import { kmeans1d, type ClusterInit } from './kmeans.ts';

export const SHARE_KEY = 'whittle.share';

export interface ClusterOptions {
  /** Clusters per layer (per channel when perChannel), 2..256; 16 or fewer fit 4-bit indices. */
  k: number;
  /** Per-layer k, by layer (node) or weight name (e.g. from a sensitivity analysis). */
  kPerLayer?: Record<string, number>;
  /** Also cluster each clustered layer's bias (into at most k values), stored the same way. */
  biases?: boolean;
  init?: ClusterInit;
  perChannel?: boolean;
  storage?: 'codebook' | 'dense';
  /** Keep exact zeros (pruned weights) as their own cluster at 0.0. Default true. */
  keepZeros?: boolean;
  skip?: string[];
  minSize?: number;
  seed?: number;
}

export interface SharedLayer {
  layer: string;
  weight: string;
  storage: 'codebook' | 'dense';
  k: number;
  perChannel: boolean;
  zeroCluster: boolean;
  codebook?: string;
  indices?: string;
  offsets?: string;
}

export interface ClusterLayerReport {
  layer: string;
  weight: string;
  params: number;
  k: number;
  /** Bits an index needs: ceil(log2 k); 4 or fewer pack into UINT4 (see passes/pack). */
  indexBits: number;
  /** Mean squared error between the original and the snapped weights. */
  mse: number;
}

export interface ClusterResult {
  model: Model;
  layers: ClusterLayerReport[];
  skipped: LayerSkip[];
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 2 || k > 256) {
    throw new WhittleError('share.bad-k', `The number of clusters must be a whole number from 2 to 256 (got ${k}).`, 'uint8 indices hold at most 256 clusters; 16 (4 bits per weight) is a common choice.');
  }
}

/** Positions of each output channel's weights (all positions when not per channel). */
function channelPositions(l: WeightLayer, perChannel: boolean): Int32Array[] {
  const total = l.dims.reduce((a, b) => a * b, 1);
  if (!perChannel) {
    // A loop, not Int32Array.from({ length }, fn): that one is ~50x slower on a 1M-weight layer.
    const all = new Int32Array(total);
    for (let i = 0; i < total; i++) all[i] = i;
    return [all];
  }
  const size = l.dims[l.outAxis];
  const inner = l.dims.slice(l.outAxis + 1).reduce((a, b) => a * b, 1);
  const outer = total / (size * inner);
  return Array.from({ length: size }, (_, c) => {
    const pos = new Int32Array(outer * inner);
    let k = 0;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) pos[k++] = (o * size + c) * inner + i;
    return pos;
  });
}

interface Clustered {
  codebook: Float32Array;
  indices: Uint8Array;
  snapped: Float32Array;
  zeroCluster: boolean;
}

/** Cluster one weight tensor; per channel, codebook c*k..c*k+k-1 serves channel c. */
function clusterWeight(w: Float32Array, channels: Int32Array[], opts: ClusterOptions): Clustered {
  const k = opts.k;
  const zeros = w.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
  const zeroCluster = (opts.keepZeros ?? true) && zeros > 0;
  const codebook = new Float32Array(channels.length * k);
  const indices = new Uint8Array(w.length);
  const snapped = new Float32Array(w.length);
  channels.forEach((pos, c) => {
    // Typed arrays throughout: layers reach millions of weights.
    const nonzero = zeroCluster ? pos.filter((p) => w[p] !== 0) : pos;
    const values = new Float32Array(nonzero.length);
    for (let i = 0; i < nonzero.length; i++) values[i] = w[nonzero[i]];
    const shift = zeroCluster ? 1 : 0;
    const base = c * k;
    if (values.length > 0) {
      const fit = kmeans1d(values, k - shift, { init: opts.init, seed: (opts.seed ?? 0) + c });
      codebook.set(fit.centroids, base + shift);
      for (let i = 0; i < nonzero.length; i++) indices[nonzero[i]] = fit.assignment[i] + shift;
    }
    // Pruned weights (zero cluster) keep index 0, whose codebook entry stays 0.0.
    for (let i = 0; i < pos.length; i++) snapped[pos[i]] = codebook[base + indices[pos[i]]];
  });
  return { codebook, indices, snapped, zeroCluster };
}

function offsetsTensor(name: string, l: WeightLayer, k: number): ReturnType<typeof makeTensor> {
  const dims = l.dims.map((d, i) => (i === l.outAxis ? d : 1));
  return makeTensor(name, dims, Int32Array.from({ length: l.dims[l.outAxis] }, (_, c) => c * k));
}

/** Replace initializer W by the codebook chain, nodes first so consumers stay in order. */
function storeAsCodebook(model: Model, l: WeightLayer, c: Clustered, perChannel: boolean, k: number): SharedLayer {
  const g = model.graph;
  const w = l.weightName;
  const names = { codebook: `${w}.codebook`, indices: `${w}.indices`, offsets: perChannel ? `${w}.offsets` : undefined };
  removeInitializer(g, w);
  setInitializer(g, float32Tensor(names.codebook, [c.codebook.length], c.codebook));
  setInitializer(g, makeTensor(names.indices, l.dims, c.indices));
  const nodes: Node[] = [makeNode('Cast', [names.indices], [`${w}.indices_int32`], { name: `${w}.cast`, attrs: { to: DataType.INT32 } })];
  let idx = `${w}.indices_int32`;
  if (names.offsets) {
    setInitializer(g, offsetsTensor(names.offsets, l, k));
    nodes.push(makeNode('Add', [idx, names.offsets], [`${w}.indices_channel`], { name: `${w}.offset` }));
    idx = `${w}.indices_channel`;
  }
  nodes.push(makeNode('Gather', [names.codebook, idx], [w], { name: `${w}.gather`, attrs: { axis: 0 } }));
  g.node.unshift(...nodes);
  return { layer: l.name, weight: w, storage: 'codebook', k, perChannel, zeroCluster: c.zeroCluster, ...names };
}

/** k of one layer: its per-layer entry (by layer or weight name), else the node's k. */
export function layerK(l: Pick<WeightLayer, 'name' | 'weightName'>, options: Pick<ClusterOptions, 'k' | 'kPerLayer'>): number {
  const k = options.kPerLayer?.[l.name] ?? options.kPerLayer?.[l.weightName] ?? options.k;
  checkK(k);
  return k;
}

/** The bias of a clustered layer as a one-axis pseudo-layer, when it is a float initializer with at least k values. */
function biasLayer(model: Model, l: WeightLayer, k: number, skipped: LayerSkip[]): WeightLayer | undefined {
  const name = l.node.input[2];
  const bias = name ? model.graph.initializer.find((t) => t.name === name) : undefined;
  if (!bias || bias.dataType !== DataType.FLOAT) return undefined;
  const dims = bias.dims.map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count < k) { skipped.push({ layer: `${l.name} (bias)`, reason: `k=${k} is larger than its ${count} values` }); return undefined; }
  return { ...l, name: `${l.name} (bias)`, weightName: bias.name, weight: bias, dims, outAxis: 0, inAxis: 0 };
}

function chooseLayers(model: Model, options: ClusterOptions): { chosen: { l: WeightLayer; k: number }[]; skipped: LayerSkip[] } {
  const found = findWeightLayers(model, options);
  const skipped = [...found.skipped];
  const chosen: { l: WeightLayer; k: number }[] = [];
  for (const l of found.layers) {
    if (chosen.some((x) => x.l.weightName === l.weightName)) continue;
    const k = layerK(l, options);
    const perChannelSize = (l.dims.reduce((a, b) => a * b, 1)) / (options.perChannel ? l.dims[l.outAxis] : 1);
    if (k > perChannelSize) {
      skipped.push({ layer: l.name, reason: `k=${k} is larger than the ${perChannelSize} weights ${options.perChannel ? 'per output channel' : 'of the layer'}` });
      continue;
    }
    chosen.push({ l, k });
    const bias = options.biases ? biasLayer(model, l, k, skipped) : undefined;
    if (bias && !chosen.some((x) => x.l.weightName === bias.weightName)) chosen.push({ l: bias, k });
  }
  return { chosen, skipped };
}

export function clusterWeights(input: Model, options: ClusterOptions): ClusterResult {
  checkK(options.k);
  const model = cloneModel(input);
  const { chosen, skipped } = chooseLayers(model, options);
  requireLayers(chosen, skipped, `clustering with k=${options.k}`);
  const storage = options.storage ?? 'codebook';
  const shared: SharedLayer[] = [];
  const report: ClusterLayerReport[] = [];
  for (const { l, k } of chosen) {
    const w = tensorToFloat32(l.weight);
    // Biases are one short vector: one codebook for all of it.
    const perChannel = (options.perChannel ?? false) && l.dims.length > 1;
    const c = clusterWeight(w, channelPositions(l, perChannel), { ...options, k });
    let se = 0;
    for (let i = 0; i < w.length; i++) se += (w[i] - c.snapped[i]) ** 2;
    report.push({ layer: l.name, weight: l.weightName, params: w.length, k, indexBits: Math.ceil(Math.log2(k)), mse: se / w.length });
    if (storage === 'dense') {
      setInitializer(model.graph, float32Tensor(l.weightName, l.dims, c.snapped));
      shared.push({ layer: l.name, weight: l.weightName, storage, k, perChannel, zeroCluster: c.zeroCluster });
    } else {
      shared.push(storeAsCodebook(model, l, c, perChannel, k));
    }
  }
  const previous = readShare(model)?.layers ?? [];
  setMetadata(model, SHARE_KEY, JSON.stringify({ version: 1, layers: [...previous.filter((p) => !shared.some((s) => s.weight === p.weight)), ...shared] }));
  return { model, layers: report, skipped };
}

export function readShare(model: Model): { version: 1; layers: SharedLayer[] } | undefined {
  const raw = getMetadata(model, SHARE_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as { version: 1; layers: SharedLayer[] };
  } catch {
    return undefined;
  }
}
