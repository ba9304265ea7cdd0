// The engine's parent side: validates a document, plans it, and hands the plan to the
// scheduler, which runs its nodes in a pool of engine processes (and, with a queue, on
// remote workers); folds the events into the run record and keeps history. Cancellation
// reaches every running node; a process that dies fails its node with a clear message.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { ErrorData } from '../../shared/errors.ts';
import { toErrorData, WhittleError } from '../../shared/errors.ts';
import type { RunEvent, RunRecord } from '../../shared/api/run.ts';
import { applyRunEvent, emptyNodeRecord } from '../../shared/api/run-reducer.ts';
import type { PipelineDocument } from '../../shared/pipeline/document.ts';
import { validateDocument } from '../../shared/pipeline/validate.ts';
import { topologicalOrder } from '../../shared/graph/order.ts';
import { paramsWithDefaults } from '../../shared/pipeline/params.ts';
import { IMPLIED_REFERENCE_PORT, impliedReference } from '../../shared/pipeline/implied-reference.ts';
import { runName } from '../../shared/results/run-name.ts';
import { expandSweeps } from '../../shared/pipeline/sweep.ts';
import type { RunHistory } from '../store/runs.ts';
import { forkSpawner } from './spawn.ts';
import type { EngineSpawner } from './spawn.ts';
import type { NodeOutcome, PlannedNode, RunPlan } from './protocol.ts';
import { NodeCache } from './cache.ts';
import { EnginePool } from './pool.ts';
import { schedulePlan, type JobTarget, type JobTiming, type ScheduleResult } from './scheduler.ts';

/** Remote workers for one run (scale/queue-coordinator.ts); closed when the run ends. */
export interface RemoteTarget extends JobTarget {
  close(): Promise<void>;
}
export type RemoteConnector = (queueUrl: string, plan: RunPlan) => Promise<RemoteTarget>;

export interface RunnerOptions {
  catalog: readonly NodeKindSpec[];
  history: RunHistory;
  cacheDir: string;
  whittleVersion: string;
  spawner?: EngineSpawner;
  /** Extra handler modules the engine process imports (see protocol.ts). */
  handlerModules?: string[];
  /** Folder for documents never saved (their relative paths resolve here). */
  defaultDir?: string;
  /** How long a cancelled engine gets to stop by itself before it is killed. */
  cancelGraceMs?: number;
  /**
   * Keep one idle engine process started ahead, so a run does not wait for process start
   * and module loading (about a second from source). For long-lived doors (app, host);
   * call dispose() when done.
   */
  warmSpare?: boolean;
  /** The installed onnxruntime-node's version (the door reads it): with whittleVersion, part of every cache key. */
  onnxruntimeVersion?: string;
  /** Start that spare this long after the runner (not at once), so it does not share the CPU with the door's own start-up. */
  warmSpareAfterMs?: number;
  /** Engine processes running nodes at once (default: the cores, at most 4). */
  poolSize?: number;
  /** ORT intra-op threads per node (default: the cores shared by the pool). */
  threads?: number;
  /** Cores the pool's threads share (default: os.availableParallelism()). */
  cores?: number;
  /** Each job's handler time and slot time (benches: the scheduler's overhead per job). */
  jobTiming?: (timing: JobTiming) => void;
  /** How a run with a queue URL reaches its workers (the doors inject BullMQ, scale/queue-coordinator.ts). */
  remote?: RemoteConnector;
}

const MAX_DEFAULT_POOL = 4;

export interface StartOptions {
  documentPath?: string | null;
  outDir?: string;
  /** Without outDir: relative export paths land in <outputRoot>/<run id>/ (DESIGN.md §8). */
  outputRoot?: string;
  allowedPaths?: readonly string[];
  /** This run's pool size and threads per node, over the runner's. */
  poolSize?: number;
  threads?: number;
  /** redis://HOST:PORT: nodes that need nothing of this machine run on `whittle worker`s. */
  queue?: string;
}

interface LiveRun {
  record: RunRecord;
  controller: AbortController;
  cancelRequested: boolean;
  finalizing?: boolean;
  finished: Promise<RunRecord>;
  finish: (record: RunRecord) => void;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function hostInfo(): RunRecord['host'] {
  const list = cpus();
  return { cpu: list[0]?.model ?? 'unknown', cores: list.length, platform: process.platform, arch: process.arch, memoryBytes: totalmem() };
}

export class EngineRunner {
  private readonly live = new Map<string, LiveRun>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly pool: EnginePool;
  private readonly cores: number;
  private onnxruntimeVersion = 'unknown';
  /** Part of every cache key: results of another Whittle or ONNX Runtime are computed again. */
  private readonly producer: string;
  private disposed = false;

  constructor(private readonly options: RunnerOptions) {
    this.cores = options.cores ?? availableParallelism();
    this.producer = `whittle ${options.whittleVersion}; onnxruntime-node ${options.onnxruntimeVersion ?? 'unknown'}`;
    this.pool = new EnginePool({
      spawner: options.spawner ?? forkSpawner(),
      cores: this.cores,
      cancelGraceMs: options.cancelGraceMs ?? 500,
      onHello: (version) => this.onHello(version),
    });
    void new NodeCache(options.cacheDir).sweepTemp().catch(() => 0);
    if (options.warmSpareAfterMs) setTimeout(() => this.refillSpare(), options.warmSpareAfterMs).unref();
    else this.refillSpare();
  }

  private onHello(version: string): void {
    this.onnxruntimeVersion = version;
    for (const run of this.live.values()) run.record = { ...run.record, versions: { ...run.record.versions, onnxruntime: version } };
  }

  /** Idle processes: one warm spare for long-lived doors, none otherwise (they would hold memory). */
  private refillSpare(): void {
    if (this.live.size > 0) return;
    if (this.options.warmSpare && !this.disposed) {
      this.pool.trim(1);
      this.pool.prewarm();
    } else {
      this.pool.trim(0);
    }
  }

  /** Stop the idle engine processes (runs in progress go on). */
  dispose(): void {
    this.disposed = true;
    this.pool.trim(0);
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Pool size and threads per node for a run: processes x threads <= cores by default. The
   * threads come from the machine's default pool, never from a run's own pool size: ONNX
   * Runtime splits reductions across its threads, so another thread count gives other float
   * sums, and a run's bytes must not depend on how many nodes ran at once.
   */
  sizing(opts: Pick<StartOptions, 'poolSize' | 'threads'> = {}): { poolSize: number; threads: number } {
    const defaultPool = Math.max(1, Math.floor(this.options.poolSize ?? Math.min(this.cores, MAX_DEFAULT_POOL)));
    const poolSize = Math.max(1, Math.floor(opts.poolSize ?? defaultPool));
    const threads = Math.max(1, Math.floor(opts.threads ?? this.options.threads ?? this.cores / defaultPool));
    return { poolSize, threads };
  }

  /** Validate, plan and start; resolves with the run id once the run is under way. */
  async start(document: PipelineDocument, opts: StartOptions = {}): Promise<string> {
    const documentDir = opts.documentPath ? dirname(resolve(opts.documentPath)) : resolve(this.options.defaultDir ?? process.cwd());
    let problems = validateDocument(document, this.options.catalog, { documentDir, allowedPaths: opts.allowedPaths });
    // A swept document runs as its expansion: one plain document, its nodes cloned per variant.
    const { document: planned, plan: sweep } = problems.length > 0 ? { document, plan: null } : expandSweeps(document, this.options.catalog);
    if (sweep) problems = validateDocument(planned, this.options.catalog, { documentDir, allowedPaths: opts.allowedPaths });
    if (problems.length > 0) {
      const first = problems[0];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
      throw new WhittleError('pipeline.invalid', `The pipeline cannot run: ${first.message}${more}`, first.hint ?? 'Fix the problems marked on the nodes, then run again.', first.nodeId);
    }
    const runId = newRunId();
    const plan: RunPlan = {
      runId,
      nodes: this.plan(planned),
      documentDir,
      outputDir: opts.outDir ? resolve(opts.outDir) : opts.outputRoot ? join(resolve(opts.outputRoot), runId) : documentDir,
      cacheDir: this.options.cacheDir,
      handlerModules: this.options.handlerModules ?? [],
    };
    // Before the run exists: an unreachable queue is the caller's error, named by its URL.
    const remote = opts.queue ? await this.connectRemote(opts.queue, plan) : undefined;
    const record: RunRecord = {
      id: runId, status: 'running', name: runName(document.name, opts.documentPath), startedAt: new Date().toISOString(),
      document: planned, documentPath: opts.documentPath ? resolve(opts.documentPath) : null,
      ...(sweep ? { sweep, sweepSource: document } : {}),
      versions: { whittle: this.options.whittleVersion, onnxruntime: this.onnxruntimeVersion, node: process.versions.node },
      host: hostInfo(),
      order: plan.nodes.map((n) => n.id),
      nodes: Object.fromEntries(plan.nodes.map((n) => [n.id, { ...emptyNodeRecord(n.id, n.kind), params: n.params }])),
    };
    let finish!: (r: RunRecord) => void;
    const finished = new Promise<RunRecord>((r) => { finish = r; });
    const controller = new AbortController();
    // One listener per job of the run waiting for a process or a worker: a sweep has hundreds.
    setMaxListeners(0, controller.signal);
    const run: LiveRun = { record, controller, cancelRequested: false, finished, finish };
    this.live.set(runId, run);
    await this.options.history.save(record);
    this.publish(run, { type: 'run.started', runId, atMs: Date.now(), nodeIds: record.order });
    void this.execute(run, plan, opts, remote);
    return runId;
  }

  private async connectRemote(queueUrl: string, plan: RunPlan): Promise<RemoteTarget> {
    if (!this.options.remote) {
      throw new WhittleError('queue.unsupported', `This Whittle cannot send nodes to the queue at ${queueUrl}.`, 'Run from the app, the browser host or the CLI, which connect to queues.');
    }
    return this.options.remote(queueUrl, plan);
  }

  private async execute(run: LiveRun, plan: RunPlan, opts: StartOptions, remote: RemoteTarget | undefined): Promise<void> {
    let result: ScheduleResult;
    try {
      result = await schedulePlan({
        plan, catalog: new Map(this.options.catalog.map((k) => [k.kind, k])),
        local: this.pool, ...(remote ? { remote } : {}), ...this.sizing(opts),
        producer: this.producer,
        emit: (event) => this.publish(run, event),
        outcome: (outcome) => this.onOutcome(run, outcome),
        ...(this.options.jobTiming ? { jobTiming: this.options.jobTiming } : {}),
        signal: run.controller.signal,
      });
    } catch (err) {
      result = { status: 'failed', error: toErrorData(err) };
    } finally {
      await remote?.close().catch(() => undefined);
    }
    await this.finalize(run, result.status, result.error);
  }

  private plan(document: PipelineDocument): PlannedNode[] {    const kinds = new Map(this.options.catalog.map((k) => [k.kind, k]));
    const edges = document.edges.map((e) => ({ from: e.from[0], to: e.to[0] }));
    const { order } = topologicalOrder(document.nodes.map((n) => n.id), edges);
    const byId = new Map(document.nodes.map((n) => [n.id, n]));
    return order.map((id) => {
      const node = byId.get(id)!;
      const spec = kinds.get(node.kind)!;
      const inputs: Record<string, [string, string]> = {};
      for (const e of document.edges) if (e.to[0] === id) inputs[e.to[1]] = [e.from[0], e.from[1]];
      // An Evaluate without a wired Reference compares with the unmodified model when it has one.
      const implied = node.kind === 'evaluate' ? impliedReference(document, id, kinds) : undefined;
      if (implied) inputs[IMPLIED_REFERENCE_PORT] = implied;
      const dataPorts = spec.inputs.filter((p) => p.type === 'dataset').map((p) => p.name);
      return {
        id, kind: node.kind, version: spec.version, cache: spec.cache !== false,
        params: paramsWithDefaults(spec, node.params), inputs,
        readPaths: Object.entries(spec.params).filter(([, p]) => p.type === 'path' && p.mode === 'open-file').map(([name]) => name),
        ...(spec.category === 'Train' ? { trainingData: dataPorts } : {}),
        ...(spec.category === 'Evaluate' ? { evaluationData: dataPorts } : {}),
      };
    });
  }

  cancel(runId: string): boolean {
    const run = this.live.get(runId);
    if (!run || run.cancelRequested || run.finalizing) return false;
    run.cancelRequested = true;
    // The pool asks each running node's process to stop and kills those that do not in time.
    run.controller.abort(new Error('cancelled'));
    return true;
  }

  /** The live record of a running run, or undefined when it is not running here. */
  current(runId: string): RunRecord | undefined {
    return this.live.get(runId)?.record;
  }

  /** Resolves with the final record (from history when the run is over). */
  async wait(runId: string): Promise<RunRecord> {
    const run = this.live.get(runId);
    return run ? run.finished : this.options.history.get(runId);
  }

  /** The pid of an engine process running a node of this run (the first, when several do). */
  enginePid(runId: string): number | undefined {
    return this.pool.pids(runId)[0];
  }

  /** Pids of every engine process running a node of this run. */
  enginePids(runId: string): number[] {
    return this.pool.pids(runId);
  }

  isRunning(runId: string): boolean {
    const run = this.live.get(runId);
    return Boolean(run && !run.finalizing);
  }

  private publish(run: LiveRun, event: RunEvent): void {
    run.record = applyRunEvent(run.record, event);
    for (const listener of this.listeners) listener(event);
  }

  private onOutcome(run: LiveRun, outcome: NodeOutcome): void {
    const prev = run.record.nodes[outcome.nodeId];
    if (!prev) return;
    const { result } = outcome;
    const node = { ...prev, outputs: result.outputs, metrics: result.metrics, reports: result.reports ?? prev.reports, warnings: result.warnings ?? [], artifacts: outcome.artifacts };
    if (outcome.cacheKey) node.cacheKey = outcome.cacheKey;
    run.record = { ...run.record, nodes: { ...run.record.nodes, [node.nodeId]: node } };
  }

  private async finalize(run: LiveRun, status: 'done' | 'failed' | 'cancelled', error?: ErrorData): Promise<void> {
    // Stays in `live` until saved, so wait()/current() never look in history too early.
    if (run.finalizing || !this.live.has(run.record.id)) return;
    run.finalizing = true;
    const now = Date.now();
    // Nodes the engine never reached (or was in) when it stopped get a final state.
    for (const node of Object.values(run.record.nodes)) {
      if (node.status === 'running' && error) this.publish(run, { type: 'failed', runId: run.record.id, atMs: now, nodeId: node.nodeId, error });
      else if (node.status === 'running' || ((node.status === 'queued' || node.status === 'pending') && status === 'cancelled')) {
        this.publish(run, { type: 'cancelled', runId: run.record.id, atMs: now, nodeId: node.nodeId });
      } else if (node.status === 'queued' || node.status === 'pending') {
        this.publish(run, { type: 'skipped', runId: run.record.id, atMs: now, nodeId: node.nodeId, reason: 'the run stopped' });
      }
    }
    this.publish(run, { type: 'run.finished', runId: run.record.id, atMs: now, status, ...(error ? { error } : {}) });
    try {
      await this.options.history.save(run.record);
    } catch (err) {
      // The run itself is over and its events were delivered; only history misses it.
      process.stderr.write(`whittle: could not save the record of run ${run.record.id}: ${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      this.live.delete(run.record.id);
      run.finish(run.record);
      // Start the next engine once nothing runs, so it does not compete for the CPU.
      this.refillSpare();
    }
  }
}
