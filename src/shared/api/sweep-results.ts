// What each variant of a sweep run came to: its state, the model that stands for it and the
// figures measured on that model (accuracy and its drop from the source model, size, MACs,
// host and board latency), and the Pareto front over any of them. Read by the app's sweep
// view and the CLI's front table alike.
import type { SweepValue } from '../pipeline/sweep-spec.ts';
import type { SweepPlan } from '../pipeline/sweep.ts';
import { formatBytes, formatCount, formatLatencyMs, formatPercent2 } from '../format.ts';
import { nodeOutcome, nodeSucceeded, type NodeRunRecord, type RunRecord } from './run.ts';

export type SweepMetric = 'accuracy' | 'drop' | 'size' | 'macs' | 'latency' | 'board';

export interface SweepMetricInfo {
  label: string;
  /** Which way is better. */
  better: 'higher' | 'lower';
  format(value: number): string;
}

export const SWEEP_METRICS: Record<SweepMetric, SweepMetricInfo> = {
  accuracy: { label: 'Accuracy', better: 'higher', format: formatPercent2 },
  drop: { label: 'Accuracy drop', better: 'lower', format: (v) => `${v.toFixed(2)} pp` },
  size: { label: 'Size', better: 'lower', format: formatBytes },
  macs: { label: 'MACs', better: 'lower', format: formatCount },
  latency: { label: 'Host p50', better: 'lower', format: formatLatencyMs },
  board: { label: 'Board p50', better: 'lower', format: formatLatencyMs },
};
export const SWEEP_METRIC_NAMES = Object.keys(SWEEP_METRICS) as SweepMetric[];

export type VariantState = 'queued' | 'running' | 'done' | 'warning' | 'failed' | 'cancelled';

export interface VariantOutcome {
  id: string;
  settings: Record<string, SweepValue>;
  state: VariantState;
  /** The variant's own (cloned) nodes, and how many of them have ended well. */
  nodesTotal: number;
  nodesDone: number;
  /** The model that stands for a finished variant: the last one of its own that was evaluated. */
  model?: { nodeId: string; port: string };
  metrics: Partial<Record<SweepMetric, number>>;
  warnings: string[];
}

export interface SweepOutcome {
  plan: SweepPlan;
  /** Top-1 of the source model (an evaluate node on a model no pass touched), when there is one. */
  baselineAccuracy?: number;
  variants: VariantOutcome[];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function variantState(nodes: readonly NodeRunRecord[]): VariantState {
  const states = nodes.map((n) => nodeOutcome(n));
  if (states.some((s) => s === 'failed' || s === 'skipped')) return 'failed';
  if (states.some((s) => s === 'running')) return 'running';
  if (states.some((s) => s === 'cancelled')) return 'cancelled';
  if (states.every((s) => nodeSucceeded(s))) return states.includes('warning') ? 'warning' : 'done';
  return 'queued';
}

/** Measuring nodes fed by each [node, port] model output: "node/port" -> node ids. */
function measurersOf(run: RunRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of run.document.edges) {
    if (e.to[1] !== 'model') continue;
    const key = `${e.from[0]}/${e.from[1]}`;
    out.set(key, [...(out.get(key) ?? []), e.to[0]]);
  }
  return out;
}

function measured(run: RunRecord, measurers: readonly string[], kind: string, metric: string): number | undefined {
  for (const id of measurers) {
    const n = run.nodes[id];
    if (n?.kind === kind && nodeSucceeded(n.status)) {
      const v = num(n.metrics[metric]);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function modelOutputs(node: NodeRunRecord | undefined): { port: string; sizeBytes: number }[] {
  if (!node || !nodeSucceeded(node.status)) return [];
  return Object.entries(node.outputs).flatMap(([port, v]) => (v.type === 'model' ? [{ port, sizeBytes: v.sizeBytes }] : []));
}

/** Top-1 of a shared evaluate node whose model comes from a node with no model input (the source). */
function baselineAccuracy(run: RunRecord, own: ReadonlySet<string>): number | undefined {
  const fedModel = new Set(run.document.edges.filter((e) => e.to[1] === 'model').map((e) => e.to[0]));
  for (const id of run.order) {
    const n = run.nodes[id];
    if (!n || own.has(id) || n.kind !== 'evaluate' || !nodeSucceeded(n.status)) continue;
    const edge = run.document.edges.find((e) => e.to[0] === id && e.to[1] === 'model');
    const top1 = num(n.metrics.top1);
    if (edge && !fedModel.has(edge.from[0]) && top1 !== undefined) return top1;
  }
  return undefined;
}

/**
 * Outcomes of every variant of a sweep run (null for a run without a sweep). `macs` maps
 * "node/port" to a model's MACs where the caller inspected it (MACs are not in the record).
 */
export function sweepOutcome(run: RunRecord, macs: Readonly<Record<string, number>> = {}): SweepOutcome | null {
  const plan = run.sweep;
  if (!plan) return null;
  const ownOf = plan.variants.map((v) => Object.entries(v.nodes).filter(([src, id]) => src !== id).map(([, id]) => id));
  const allOwn = new Set(ownOf.flat());
  const baseline = baselineAccuracy(run, allOwn);
  const measurers = measurersOf(run);
  const order = new Map(run.order.map((id, i) => [id, i]));
  const variants = plan.variants.map((variant, v): VariantOutcome => {
    const ownIds = [...ownOf[v]].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const nodes = ownIds.map((id) => run.nodes[id]).filter((n): n is NodeRunRecord => n !== undefined);
    const state = variantState(nodes);
    // Figures only for a finished variant: a cancelled one's first model is not what it stands for.
    const finished = state === 'done' || state === 'warning';
    const producers = !finished ? [] : ownIds.flatMap((id) => modelOutputs(run.nodes[id]).map((m) => ({ nodeId: id, ...m })));
    const evaluated = producers.filter((p) => measured(run, measurers.get(`${p.nodeId}/${p.port}`) ?? [], 'evaluate', 'top1') !== undefined);
    const model = evaluated.at(-1) ?? producers.at(-1);
    const metrics: VariantOutcome['metrics'] = {};
    if (model) {
      const key = `${model.nodeId}/${model.port}`;
      const by = measurers.get(key) ?? [];
      metrics.size = model.sizeBytes;
      const accuracy = measured(run, by, 'evaluate', 'top1');
      if (accuracy !== undefined) metrics.accuracy = accuracy;
      if (accuracy !== undefined && baseline !== undefined) metrics.drop = (baseline - accuracy) * 100;
      const latency = measured(run, by, 'benchmark', 'p50Ms');
      if (latency !== undefined) metrics.latency = latency;
      const board = measured(run, by, 'profile', 'p50Ms');
      if (board !== undefined) metrics.board = board;
      if (macs[key] !== undefined) metrics.macs = macs[key];
    }
    return {
      id: variant.id, settings: variant.settings, state,
      nodesTotal: nodes.length, nodesDone: nodes.filter((n) => nodeSucceeded(n.status)).length,
      ...(model ? { model: { nodeId: model.nodeId, port: model.port } } : {}),
      metrics,
      warnings: nodes.flatMap((n) => n.warnings.map((w) => `${n.nodeId}: ${w}`)),
    };
  });
  return { plan, ...(baseline !== undefined ? { baselineAccuracy: baseline } : {}), variants };
}

/** Metrics some finished variant has, in SWEEP_METRIC_NAMES order. */
export function measuredMetrics(variants: readonly VariantOutcome[]): SweepMetric[] {
  return SWEEP_METRIC_NAMES.filter((m) => variants.some((v) => v.metrics[m] !== undefined));
}

/** a is at least as good as b on every objective and better on one. */
function dominates(a: VariantOutcome, b: VariantOutcome, objectives: readonly SweepMetric[]): boolean {
  let strictly = false;
  for (const m of objectives) {
    const sign = SWEEP_METRICS[m].better === 'higher' ? 1 : -1;
    const d = sign * (a.metrics[m]! - b.metrics[m]!);
    if (d < 0) return false;
    if (d > 0) strictly = true;
  }
  return strictly;
}

/**
 * Ids of the variants no other variant beats on every objective (each compared in its own
 * better direction). Variants missing one of the objectives are not on the front.
 */
export function paretoFront(variants: readonly VariantOutcome[], objectives: readonly SweepMetric[]): Set<string> {
  const complete = variants.filter((v) => objectives.every((m) => v.metrics[m] !== undefined));
  const front = new Set<string>();
  for (const v of complete) if (!complete.some((w) => w !== v && dominates(w, v, objectives))) front.add(v.id);
  return front;
}
