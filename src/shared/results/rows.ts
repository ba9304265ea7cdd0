// One row per model a run produced, joined with the metrics of the Evaluate, Host latency
// and Profile nodes wired to it (through the document's edges). Read by the compare view,
// its CSV export and the CLI summary.
import { nodeOutcome, nodeSucceeded, type RunRecord } from '../api/run.ts';
import { variantLabel } from '../api/run-labels.ts';
import { CATALOG } from '../catalog/index.ts';
import type { ModelValue } from '../catalog/types.ts';
import { chainCompressed } from '../pipeline/implied-reference.ts';

const KINDS = new Map(CATALOG.map((k) => [k.kind, k]));

export interface ModelRow {
  /** `${runId}:${nodeId}/${port}`: unique across runs. */
  uid: string;
  /** `${nodeId}/${port}` */
  key: string;
  runId: string;
  runName: string;
  nodeId: string;
  port: string;
  kind: string;
  /** Derived from what the chain of nodes did (run-labels.ts), not from their params. */
  label: string;
  /** No model flows into its node: the unmodified model (a model file, a zoo network). */
  isSource: boolean;
  /** A compressing step (prune, share, quantize, pack, distill) lies on its chain. */
  compressed: boolean;
  /** Warnings of the producing node, then of the nodes that measured it (id-prefixed). */
  warnings: string[];
  sizeBytes: number;
  /** Top-1 accuracy in [0, 1], from an evaluate node on this model. */
  accuracy?: number;
  top5?: number;
  /** COCO mAP 50–95 and mAP@50 in [0, 1], from a detection evaluate node. */
  mapValue?: number;
  map50?: number;
  agreement?: number;
  sqnrDb?: number | string;
  /** How agreement was measured, or why there is none (shown as a tooltip). */
  agreementNote?: string;
  /** Median host latency (ms), from a benchmark node on this model. */
  latencyMs?: number;
  throughputPerSec?: number;
  /** How the host latency was measured, e.g. "1 thread · batch 1 · 100 runs". */
  latencySettings?: string;
  /** Median latency on a board (a profile node on this model), with its board and settings. */
  boardLatencyMs?: number;
  boardSettings?: string;
  boardName?: string;
  boardPowerMw?: number;
  boardEnergyMj?: number;
  boardPeakMemoryBytes?: number;
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

type NodeRec = RunRecord['nodes'][string];

function joinEvaluate(row: ModelRow, target: NodeRec, targetId: string): void {
  const m = target.metrics;
  // The first labelled evaluation wins; a later one on the same model does not overwrite it.
  if (row.accuracy === undefined && num(m.top1) !== undefined) { row.accuracy = num(m.top1); row.top5 = num(m.top5); }
  if (row.mapValue === undefined && (num(m.map) ?? -1) >= 0) { row.mapValue = num(m.map); row.map50 = num(m.map50); }
  if (row.agreement === undefined && num(m.agreement) !== undefined) {
    row.agreement = num(m.agreement);
    row.sqnrDb = typeof m.sqnrDb === 'string' ? m.sqnrDb : num(m.sqnrDb);
    row.agreementNote = m.referenceImplied === true
      ? `Against the unmodified model (${String(m.reference ?? 'the chain\'s source')}), taken automatically: no Reference is wired into "${targetId}".`
      : `Against the model wired into the Reference input of "${targetId}".`;
  } else if (row.agreement === undefined && !row.agreementNote) {
    row.agreementNote = typeof m.referenceSkipped === 'string'
      ? `No agreement: ${m.referenceSkipped}`
      : `"${targetId}" ran without a reference. Wire the unmodified model into its Reference input, or run again: new runs compare with the unmodified model by themselves.`;
  }
}

function joinProfile(row: ModelRow, target: NodeRec): void {
  const m = target.metrics;
  if (row.boardLatencyMs !== undefined) return;
  row.boardLatencyMs = num(m.p50Ms);
  row.boardName = String(m.board ?? 'board');
  row.boardSettings = `${row.boardName}: ${settingsText(m.threads, 1, target.params?.runs, m.runner)}`;
  row.boardPowerMw = num(m.avgPowerMw);
  row.boardEnergyMj = num(m.energyPerInferenceMj);
  row.boardPeakMemoryBytes = num(m.peakMemoryBytes);
}

function sourceRows(run: RunRecord): ModelRow[] {
  const rows: ModelRow[] = [];
  const order = [...run.order, ...Object.keys(run.nodes).filter((id) => !run.order.includes(id))];
  const fed = new Set(run.document.edges.filter((e) => run.nodes[e.from[0]]?.outputs[e.from[1]]?.type === 'model').map((e) => e.to[0]));
  for (const id of order) {
    const n = run.nodes[id];
    if (!n || !nodeSucceeded(n.status)) continue;
    for (const [port, value] of Object.entries(n.outputs)) {
      if (value.type !== 'model') continue;
      const key = `${id}/${port}`;
      rows.push({
        uid: `${run.id}:${key}`, key, runId: run.id, runName: run.name, nodeId: id, port, kind: n.kind,
        label: variantLabel(run, id, port), isSource: !fed.has(id), compressed: chainCompressed(run.document, id, KINDS), sizeBytes: (value as ModelValue).sizeBytes, warnings: [...n.warnings],
      });
    }
  }
  return rows;
}

/**
 * Rows whose chains read the same ("model · int8 26/26 layers" from an entropy and a percentile
 * quantize node side by side) are told apart by the node that made them: "… (qe)". A model
 * with several model outputs names its port as well.
 */
function disambiguate(rows: ModelRow[]): void {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.label, (count.get(r.label) ?? 0) + 1);
  for (const r of rows) if (count.get(r.label)! > 1) r.label = `${r.label} (${r.port === 'model' ? r.nodeId : `${r.nodeId}.${r.port}`})`;
}

/** Every model output of every finished node, in the engine's order, with its measurements. */
export function modelRows(run: RunRecord): ModelRow[] {
  const rows = sourceRows(run);
  disambiguate(rows);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  // Join measurements through the document's edges: evaluate.model <- [node, port].
  for (const e of run.document.edges) {
    const [toNode, toPort] = e.to;
    const target = run.nodes[toNode];
    const row = byKey.get(`${e.from[0]}/${e.from[1]}`);
    if (!target || !row || toPort !== 'model' || !nodeSucceeded(target.status)) continue;
    // A measurement's warning (e.g. scored on training data) is about this model's figures;
    // a downstream pass's warning is about its own model, shown on its own row.
    if (MEASURING_KINDS.has(target.kind) && nodeOutcome(target) === 'warning') row.warnings.push(...target.warnings.map((w) => `${toNode}: ${w}`));
    if (target.kind === 'evaluate') joinEvaluate(row, target, toNode);
    else if (target.kind === 'benchmark' && row.latencyMs === undefined) {
      const m = target.metrics;
      row.latencyMs = num(m.p50Ms);
      row.throughputPerSec = num(m.throughputPerSec);
      row.latencySettings = settingsText(m.threads, m.batchSize, m.runs, 'in-process');
    } else if (target.kind === 'profile') joinProfile(row, target);
  }
  for (const row of rows) {
    if (row.agreement !== undefined) continue;
    if (row.isSource) row.agreementNote = 'The unmodified model: the reference the compressed models are compared with.';
    else row.agreementNote ??= 'No Evaluate node measured this model: connect one to see agreement and SQNR.';
  }
  return rows;
}

/** Rows of several runs; labels name their run when more than one run is shown. */
export function modelRowsOfRuns(runs: readonly RunRecord[]): ModelRow[] {
  const many = runs.length > 1;
  return runs.flatMap((run) => modelRows(run).map((r) => (many ? { ...r, label: `${run.name} · ${r.label}` } : r)));
}

/**
 * The default baseline, "the unmodified model": the first uncompressed model with an
 * accuracy (a trained network before its compression), else the first source model.
 */
export function defaultBaseline(rows: readonly ModelRow[]): ModelRow | undefined {
  const measured = (r: ModelRow) => r.accuracy !== undefined || r.mapValue !== undefined;
  return rows.find((r) => !r.compressed && measured(r)) ?? rows.find((r) => r.isSource) ?? rows[0];
}
