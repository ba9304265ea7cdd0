// Runs a plan as a dataflow (DESIGN.md §10): a node starts once every input has ended.
// Its cache key and cache lookup happen here, in the parent; a miss becomes a NodeJob for
// the local pool or, when the run has a queue, for a remote worker. A failed node's
// dependents are skipped and independent branches go on; cancellation stops everything.
import { resolve } from 'node:path';
import type { NodeKindSpec, NodeResult, PortValue } from '../../shared/catalog/types.ts';
import type { RunEvent } from '../../shared/api/run.ts';
import type { ErrorData } from '../../shared/errors.ts';
import { toErrorData } from '../../shared/errors.ts';
import { cacheKey, NodeCache, sha256File } from './cache.ts';
import type { EventBody } from './executor.ts';
import { leakageWarnings } from './leakage.ts';
import type { JobDemand } from './pool.ts';
import type { JobEnd, NodeJob, NodeOutcome, PlannedNode, RunPlan } from './protocol.ts';

/** Somewhere jobs run: the local pool, or a queue of remote workers. */
export interface JobTarget {
  run(job: NodeJob, demand: JobDemand, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<JobEnd>;
}

export interface ScheduleOptions {
  plan: RunPlan;
  catalog: ReadonlyMap<string, NodeKindSpec>;
  local: JobTarget;
  /** Remote workers (a BullMQ queue): nodes that need nothing of this machine go there. */
  remote?: JobTarget;
  poolSize: number;
  /** The software that computes results (Whittle's and ONNX Runtime's versions), part of every cache key: another version computes again. */
  producer?: string;
  /** ORT threads per job unless the node sets its own `threads` param. */
  threads: number;
  emit(event: RunEvent): void;
  outcome(outcome: NodeOutcome): void;
  /** Each job that ran (not cache hits): its handler's time and the time it held its slot. */
  jobTiming?: (timing: JobTiming) => void;
  signal: AbortSignal;
}

export interface JobTiming { runId: string; nodeId: string; durationMs: number; slotMs: number; remote: boolean }

export interface ScheduleResult {
  status: 'done' | 'failed' | 'cancelled';
  /** A failure of the machinery (an engine process, the queue), not of a node's own work. */
  error?: ErrorData;
}

/** Peak memory per byte of input model, by category: training keeps gradients and optimizer state. */
const MEMORY_FACTOR: Record<string, number> = { Train: 12, Compress: 6, Evaluate: 4 };
const DEFAULT_MEMORY_FACTOR = 4;
const BASE_MEMORY_BYTES = 200 * 1024 * 1024;
/** Failures that are not the node's own doing: they become the run's error too. */
const MACHINERY_CODES = new Set(['engine.crashed', 'queue.unreachable', 'queue.job-lost']);

export function jobDemand(node: PlannedNode, spec: NodeKindSpec | undefined, inputs: Record<string, PortValue | undefined>, opts: { poolSize: number; threads: number }): JobDemand {
  const own = spec?.params.threads?.type === 'number' ? Number(node.params.threads) : 0;
  const modelBytes = Object.values(inputs).reduce((sum, v) => sum + (v?.type === 'model' ? v.sizeBytes : 0), 0);
  const factor = MEMORY_FACTOR[spec?.category ?? ''] ?? DEFAULT_MEMORY_FACTOR;
  return { threads: own > 0 ? own : opts.threads, memoryBytes: BASE_MEMORY_BYTES + modelBytes * factor, poolSize: opts.poolSize };
}

/** Kinds whose work belongs to this machine: they write the user's files or reach their boards. */
export function runsLocally(node: PlannedNode, spec: NodeKindSpec | undefined): boolean {
  return !node.cache || spec?.category === 'Device' || spec?.category === 'Output';
}

export async function schedulePlan(o: ScheduleOptions): Promise<ScheduleResult> {
  const emit = (body: EventBody) => o.emit({ ...body, runId: o.plan.runId, atMs: Date.now() } as RunEvent);
  const state = new PlanState(o);
  for (const node of o.plan.nodes) emit({ type: 'queued', nodeId: node.id });
  await new Promise<void>((done) => {
    const launch = (node: PlannedNode) => {
      void state.runNode(node, emit).then(() => {
        for (const next of state.finished(node)) launch(next);
        if (state.allEnded()) done();
      });
    };
    if (o.plan.nodes.length === 0) done();
    for (const node of state.ready()) launch(node);
  });
  if (o.signal.aborted) return { status: 'cancelled' };
  return state.failed ? { status: 'failed', ...(state.machineryError ? { error: state.machineryError } : {}) } : { status: 'done' };
}

class PlanState {
  readonly values = new Map<string, Record<string, PortValue>>();
  private readonly keys = new Map<string, string>();
  private readonly broken = new Map<string, string>();
  private readonly ended = new Set<string>();
  private readonly byId: Map<string, PlannedNode>;
  private readonly cache: NodeCache;
  failed = false;
  machineryError: ErrorData | undefined;

  constructor(private readonly o: ScheduleOptions) {
    this.byId = new Map(o.plan.nodes.map((n) => [n.id, n]));
    this.cache = new NodeCache(o.plan.cacheDir);
  }

  ready(): PlannedNode[] {
    return this.o.plan.nodes.filter((n) => !this.ended.has(n.id) && Object.values(n.inputs).every(([from]) => this.ended.has(from) || !this.byId.has(from)));
  }

  /** Marks the node ended; returns its dependents that just became ready. */
  finished(node: PlannedNode): PlannedNode[] {
    this.ended.add(node.id);
    return this.o.plan.nodes.filter((n) => !this.ended.has(n.id) && Object.values(n.inputs).some(([from]) => from === node.id)
      && Object.values(n.inputs).every(([from]) => this.ended.has(from) || !this.byId.has(from)));
  }

  allEnded(): boolean {
    return this.ended.size === this.o.plan.nodes.length;
  }

  async runNode(node: PlannedNode, emit: (body: EventBody) => void): Promise<void> {
    if (this.o.signal.aborted) return emit({ type: 'cancelled', nodeId: node.id });
    const blocker = Object.values(node.inputs).map(([from]) => from).find((from) => this.broken.has(from));
    if (blocker) {
      this.broken.set(node.id, this.broken.get(blocker)!);
      return emit({ type: 'skipped', nodeId: node.id, reason: this.broken.get(blocker)! });
    }
    let end: JobEnd;
    try {
      end = await this.dispatch(node, emit);
    } catch (err) {
      end = { type: 'job.failed', nodeId: node.id, error: toErrorData(err, node.id), cancelled: this.o.signal.aborted };
    }
    if (end.type === 'job.done') return this.accept(node, end, emit);
    if (end.cancelled || this.o.signal.aborted) return emit({ type: 'cancelled', nodeId: node.id });
    this.failed = true;
    if (MACHINERY_CODES.has(end.error.code)) this.machineryError ??= end.error;
    this.broken.set(node.id, `upstream node "${node.id}" failed`);
    emit({ type: 'failed', nodeId: node.id, error: end.error });
  }

  private async dispatch(node: PlannedNode, emit: (body: EventBody) => void): Promise<JobEnd> {
    const key = await this.keyOf(node);
    this.keys.set(node.id, key);
    if (node.cache) {
      const hit = await this.cache.get(key);
      if (hit) {
        const outcome = { nodeId: node.id, cacheKey: key, result: hit.result, artifacts: await this.cache.artifacts(hit.dir) };
        return { type: 'job.done', nodeId: node.id, outcome, durationMs: 0, cached: true };
      }
    }
    const inputs: Record<string, PortValue | undefined> = {};
    for (const [port, [from, fromPort]] of Object.entries(node.inputs)) inputs[port] = this.values.get(from)?.[fromPort];
    const spec = this.o.catalog.get(node.kind);
    const demand = jobDemand(node, spec, inputs, this.o);
    const { plan } = this.o;
    const job: NodeJob = {
      runId: plan.runId, node, cacheKey: key, inputs, threads: demand.threads,
      documentDir: plan.documentDir, outputDir: plan.outputDir, cacheDir: plan.cacheDir, handlerModules: plan.handlerModules,
    };
    const remote = Boolean(this.o.remote) && !runsLocally(node, spec);
    const end = await (remote ? this.o.remote! : this.o.local).run(job, demand, (e) => emit(e as EventBody), this.o.signal);
    if (end.type === 'job.done' && end.slotMs !== undefined) this.o.jobTiming?.({ runId: plan.runId, nodeId: node.id, durationMs: end.durationMs, slotMs: end.slotMs, remote });
    return end;
  }

  private accept(node: PlannedNode, end: Extract<JobEnd, { type: 'job.done' }>, emit: (body: EventBody) => void): void {
    let result = end.outcome.result;
    this.values.set(node.id, result.outputs);
    // Leakage is judged from the whole graph, which only this side sees; a cache hit is judged again.
    const leaks = leakageWarnings(node, { nodes: this.byId, values: this.values }).filter((w) => !(result.warnings ?? []).includes(w));
    if (leaks.length > 0) result = { ...result, warnings: [...(result.warnings ?? []), ...leaks] };
    this.o.outcome({ ...end.outcome, result });
    if (end.cached) return emit({ type: 'cached', nodeId: node.id, metrics: result.metrics, ...warningsOf(result) });
    for (const report of result.reports ?? []) emit({ type: 'report', nodeId: node.id, report });
    emit({ type: 'finished', nodeId: node.id, metrics: result.metrics, durationMs: end.durationMs, ...warningsOf(result) });
  }

  private async keyOf(node: PlannedNode): Promise<string> {
    const inputKeys: Record<string, string> = {};
    for (const [port, [from, fromPort]] of Object.entries(node.inputs)) inputKeys[port] = `${this.keys.get(from)}:${fromPort}`;
    const fileHashes: Record<string, string> = {};
    for (const name of node.readPaths) {
      const value = node.params[name];
      if (typeof value !== 'string' || value === '') continue;
      fileHashes[name] = await sha256File(resolve(this.o.plan.documentDir, value)).catch(() => 'missing');
    }
    return cacheKey({ kind: node.kind, version: node.version, params: node.params, inputKeys, fileHashes, ...(this.o.producer ? { producer: this.o.producer } : {}) });
  }
}

/** A result's warnings for its finished/cached event (absent when there are none). */
function warningsOf(result: NodeResult): { warnings?: string[] } {
  return result.warnings && result.warnings.length > 0 ? { warnings: result.warnings } : {};
}
