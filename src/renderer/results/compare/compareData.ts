// The compare view's data, without React: one row per model a run produced, joined with
// the metrics of the evaluate/benchmark nodes wired to it, and the Pareto front.
import { nodeOutcome, nodeSucceeded, type RunRecord } from '../../../shared/api/run.ts';
import { variantLabel } from '../../../shared/api/run-labels.ts';
import type { ModelValue } from '../../../shared/catalog/types.ts';

export interface ModelRow {
  /** `${nodeId}/${port}` */
  key: string;
  nodeId: string;
  port: string;
  kind: string;
  /** Derived from what the chain of nodes did (run-labels.ts), not from their params. */
  label: string;
  /** Warnings of the producing node, then of the nodes that measured it (id-prefixed). */
  warnings: string[];
  sizeBytes: number;
  /** Top-1 accuracy in [0, 1], from an evaluate node on this model. */
  accuracy?: number;
  top5?: number;
  agreement?: number;
  sqnrDb?: number | string;
  /** Median host latency (ms), from a benchmark node on this model. */
  latencyMs?: number;
  throughputPerSec?: number;
  /** How the host latency was measured, e.g. "1 thread · batch 1 · 100 runs". */
  latencySettings?: string;
  /** Median latency on a board (a profile node on this model), with its board and settings. */
  boardLatencyMs?: number;
  boardSettings?: string;
}

/** Threads, batch and runs of a latency measurement, in the same words for host and board. */
function settingsText(threads: unknown, batch: unknown, runs: unknown, runner?: unknown): string {
  const t = typeof threads === 'number' ? (threads === 0 ? 'all cores' : `${threads} thread${threads === 1 ? '' : 's'}`) : 'threads n/a';
  const parts = [t, `batch ${typeof batch === 'number' ? batch : 1}`];
  if (typeof runs === 'number') parts.push(`${runs} runs`);
  if (typeof runner === 'string') parts.push(runner);
  return parts.join(' · ');
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const MEASURING_KINDS = new Set(['evaluate', 'benchmark', 'profile']);

/** Every model output of every finished node, in the engine's order. */
export function modelRows(run: RunRecord): ModelRow[] {
  const rows: ModelRow[] = [];
  const byKey = new Map<string, ModelRow>();
  const order = [...run.order, ...Object.keys(run.nodes).filter((id) => !run.order.includes(id))];
  for (const id of order) {
    const n = run.nodes[id];
    if (!n || !nodeSucceeded(n.status)) continue;
    for (const [port, value] of Object.entries(n.outputs)) {
      if (value.type !== 'model') continue;
      const m = value as ModelValue;
      const row: ModelRow = { key: `${id}/${port}`, nodeId: id, port, kind: n.kind, label: variantLabel(run, id, port), sizeBytes: m.sizeBytes, warnings: [...n.warnings] };
      rows.push(row);
      byKey.set(row.key, row);
    }
  }
  // Join measurements through the document's edges: evaluate.model <- [node, port].
  for (const e of run.document.edges) {
    const [toNode, toPort] = e.to;
    const target = run.nodes[toNode];
    const row = byKey.get(`${e.from[0]}/${e.from[1]}`);
    if (!target || !row || toPort !== 'model' || !nodeSucceeded(target.status)) continue;
    const m = target.metrics;
    // A measurement's warning (e.g. scored on training data) is about this model's figures;
    // a downstream pass's warning is about its own model, shown on its own row.
    if (MEASURING_KINDS.has(target.kind) && nodeOutcome(target) === 'warning') row.warnings.push(...target.warnings.map((w) => `${toNode}: ${w}`));
    if (target.kind === 'evaluate') {
      // The first labelled evaluation wins; a later one on the same model does not overwrite it.
      if (row.accuracy === undefined && num(m.top1) !== undefined) { row.accuracy = num(m.top1); row.top5 = num(m.top5); }
      if (row.agreement === undefined && num(m.agreement) !== undefined) {
        row.agreement = num(m.agreement);
        row.sqnrDb = typeof m.sqnrDb === 'string' ? m.sqnrDb : num(m.sqnrDb);
      }
    } else if (target.kind === 'benchmark' && row.latencyMs === undefined) {
      row.latencyMs = num(m.p50Ms);
      row.throughputPerSec = num(m.throughputPerSec);
      row.latencySettings = settingsText(m.threads, m.batchSize, m.runs, 'in-process');
    } else if (target.kind === 'profile' && row.boardLatencyMs === undefined) {
      row.boardLatencyMs = num(m.p50Ms);
      row.boardSettings = `${String(m.board ?? 'board')}: ${settingsText(m.threads, 1, target.params?.runs, m.runner)}`;
    }
  }
  return rows;
}

export interface Point { key: string; x: number; y: number }

/**
 * Keys of the points no other point beats: smaller-or-equal x and larger-or-equal y, one
 * strictly. (x is a cost such as size or latency; y a quality such as accuracy.)
 */
export function paretoFront(points: Point[]): Set<string> {
  const front = new Set<string>();
  for (const p of points) {
    const dominated = points.some((q) => q !== p && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y));
    if (!dominated) front.add(p.key);
  }
  return front;
}

export { formatBytes, formatCount } from '../../../shared/format.ts';
