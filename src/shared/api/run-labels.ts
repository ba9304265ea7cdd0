// Variant labels derived from what a run did, not from the params it was asked for
// (DESIGN.md §9): a quantize node that quantized nothing is "fp32 (nothing quantized)",
// never "int8". Read by the compare view and anything else that names a run's models.
import type { ModelValue } from '../catalog/types.ts';
import type { NodeRunRecord, RunRecord } from './run.ts';

type Metrics = NodeRunRecord['metrics'];

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** What a quantize node made of its model, from its measured metrics. */
export function quantizeStepLabel(metrics: Metrics): string {
  const mode = String(metrics.mode ?? '');
  const total = num(metrics.layersTotal);
  // Each mode reports the layers it converted under its own name.
  const [prefix, converted] = mode === 'fp16' ? ['fp16', num(metrics.layersFp16)]
    : mode === 'int4' ? ['int4 weights', num(metrics.layersInt4)]
      : [mode === 'dynamic' ? 'int8 dynamic' : 'int8', num(metrics.layersInt8)];
  if (converted !== undefined) {
    if (converted === 0) return 'fp32 (nothing quantized)';
    return total !== undefined ? `${prefix} ${converted}/${total} layers` : `${prefix} ${converted} layers`;
  }
  if (mode === 'fp16' || mode === 'int4') return prefix;
  // Records from before layer counts were reported: quantized nodes are all there is.
  const nodes = num(metrics.quantizedNodes);
  if (nodes === 0) return 'fp32 (nothing quantized)';
  return nodes === undefined ? prefix : `${prefix} (${nodes} nodes)`;
}

type StepFacts = Pick<NodeRunRecord, 'kind' | 'metrics' | 'params'>;

function pruneStepLabel(node: StepFacts): string | undefined {
  const m = node.metrics;
  const method = String(node.params?.method ?? '');
  if (method === 'channels') {
    const macRatio = num(m.macRatio) ?? num(m.macsRatio);
    if (num(m.prunedGroups) === 0) return 'channels (nothing pruned)';
    return macRatio === undefined ? undefined : `channels, MACs ${macRatio.toFixed(2)}×`;
  }
  if (method === '2:4') return m.pattern24 === false ? '2:4 (pattern incomplete)' : '2:4';
  const sparsity = num(m.sparsity);
  if (num(m.prunedLayers) === 0) return 'unpruned';
  return sparsity === undefined ? undefined : `${Math.round(sparsity * 100)}% sparse`;
}

function shareStepLabel(node: StepFacts): string | undefined {
  const layers = num(node.metrics.clusteredLayers);
  if (layers === undefined) return undefined;
  if (layers === 0) return 'nothing shared';
  return `k=${String(node.params?.k ?? '?')} on ${layers} layer${layers === 1 ? '' : 's'}`;
}

/** The measured step label of one node, or undefined when its metrics say nothing more than its own label. */
export function stepLabel(node: StepFacts): string | undefined {
  if (node.kind === 'quantize') return quantizeStepLabel(node.metrics);
  if (node.kind === 'prune') return pruneStepLabel(node);
  if (node.kind === 'share') return shareStepLabel(node);
  return undefined;
}

function modelOutput(node: NodeRunRecord | undefined, port: string): ModelValue | undefined {
  const v = node?.outputs[port];
  return v?.type === 'model' ? v : undefined;
}

/** The upstream [node, port] feeding `nodeId`'s model input, if any. */
function modelSource(run: RunRecord, nodeId: string): [string, string] | undefined {
  const edge = run.document.edges.find((e) => e.to[0] === nodeId && e.to[1] === 'model');
  return edge ? [edge.from[0], edge.from[1]] : undefined;
}

/**
 * The label of the model `nodeId` produced on `port`: the source model's name, then one
 * step per node of the chain, each from what that node measured. A step the record says
 * nothing more about keeps the suffix its handler wrote.
 */
export function variantLabel(run: RunRecord, nodeId: string, port = 'model', depth = 0): string {
  const node = run.nodes[nodeId];
  const own = modelOutput(node, port);
  const fallback = own?.label || nodeId;
  if (!node) return fallback;
  const source = modelSource(run, nodeId);
  const upstream = source ? modelOutput(run.nodes[source[0]], source[1]) : undefined;
  // Documents that ran are acyclic; the depth cap only guards a hand-edited record.
  if (!source || !upstream || depth > 64) return fallback;
  const step = stepLabel(node) ?? handlerSuffix(fallback, upstream.label);
  const head = variantLabel(run, source[0], source[1], depth + 1);
  return step ? `${head} · ${step}` : head;
}

/** What a handler added to its input's label; its last step when the label was built otherwise. */
function handlerSuffix(label: string, upstreamLabel: string): string {
  const prefix = `${upstreamLabel} · `;
  if (label.startsWith(prefix)) return label.slice(prefix.length);
  return label.split(' · ').pop() ?? label;
}
