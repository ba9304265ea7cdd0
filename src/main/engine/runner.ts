// The engine's parent side: validates a document, plans it, starts one engine process
// per run, folds its events into the run record, and keeps history. Cancellation asks
// the process first and kills it when it does not stop in time; a process that dies
// fails its run with a clear message, and the next run starts a fresh process.
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { ErrorData } from '../../shared/errors.ts';
import { WhittleError } from '../../shared/errors.ts';
import type { RunEvent, RunRecord } from '../../shared/api/run.ts';
import { applyRunEvent, emptyNodeRecord } from '../../shared/api/run-reducer.ts';
import type { PipelineDocument } from '../../shared/pipeline/document.ts';
import { validateDocument } from '../../shared/pipeline/validate.ts';
import { topologicalOrder } from '../../shared/graph/order.ts';
import { paramsWithDefaults } from '../../shared/pipeline/params.ts';
import { expandSweeps } from '../../shared/pipeline/sweep.ts';
import { IMPLIED_REFERENCE_PORT, impliedReference } from '../../shared/pipeline/implied-reference.ts';
import { runName } from '../../shared/results/run-name.ts';
import type { RunHistory } from '../store/runs.ts';
import { forkSpawner, type EngineProcess, type EngineSpawner } from './spawn.ts';
import type { PlannedNode, RunPlan, WorkerMessage } from './protocol.ts';
import { NodeCache } from './cache.ts';

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
}

/** An engine process and, until a run adopts it, what it said and whether it died. */
interface EngineHandle {
  proc: EngineProcess;
  run: LiveRun | null;
  pending: WorkerMessage[];
  exited: boolean;
}

export interface StartOptions {
  documentPath?: string | null;
  outDir?: string;
  /** Without outDir: relative export paths land in <outputRoot>/<run id>/ (DESIGN.md §8). */
  outputRoot?: string;
  allowedPaths?: readonly string[];
}

interface LiveRun {
  record: RunRecord;
  proc: EngineProcess;
  cancelRequested: boolean;
  finalizing?: boolean;
  finished: Promise<RunRecord>;
  finish: (record: RunRecord) => void;
  killTimer?: NodeJS.Timeout;
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
  private readonly spawner: EngineSpawner;
  private onnxruntimeVersion = 'unknown';
  private spare: EngineHandle | null = null;
  private disposed = false;

  constructor(private readonly options: RunnerOptions) {
    this.spawner = options.spawner ?? forkSpawner();
    void new NodeCache(options.cacheDir).sweepTemp().catch(() => 0);
    this.refillSpare();
  }

  private spawnEngine(): EngineHandle {
    const handle: EngineHandle = { proc: this.spawner(), run: null, pending: [], exited: false };
    handle.proc.onMessage((m) => {
      if (handle.run) this.onWorkerMessage(handle.run, m);
      else if (m.type === 'hello') this.onnxruntimeVersion = m.onnxruntimeVersion;
      else handle.pending.push(m);
    });
    handle.proc.onExit((code, signal, detail) => {
      handle.exited = true;
      if (handle.run) this.onWorkerExit(handle.run, code, signal, detail);
      else if (this.spare === handle) this.spare = null;
    });
    return handle;
  }

  private refillSpare(): void {
    if (this.options.warmSpare && !this.disposed && !this.spare && this.live.size === 0) this.spare = this.spawnEngine();
  }

  /** Stop the idle engine process (runs in progress go on). */
  dispose(): void {
    this.disposed = true;
    this.spare?.proc.kill();
    this.spare = null;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validate, plan and start; resolves with the run id once the engine process is started. */
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
    const handle = this.spare && !this.spare.exited ? this.spare : this.spawnEngine();
    this.spare = null;
    const proc = handle.proc;
    const run: LiveRun = { record, proc, cancelRequested: false, finished, finish };
    this.live.set(runId, run);
    handle.run = run;
    for (const m of handle.pending.splice(0)) this.onWorkerMessage(run, m);
    await this.options.history.save(record);
    this.publish(run, { type: 'run.started', runId, atMs: Date.now(), nodeIds: record.order });
    proc.send({ type: 'start', plan });
    return runId;
  }

  private plan(document: PipelineDocument): PlannedNode[] {
    const kinds = new Map(this.options.catalog.map((k) => [k.kind, k]));
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
    run.proc.send({ type: 'cancel' });
    // A handler that ignores its signal must not hold the run: kill the process.
    run.killTimer = setTimeout(() => run.proc.kill(), this.options.cancelGraceMs ?? 500);
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

  enginePid(runId: string): number | undefined {
    return this.live.get(runId)?.proc.pid;
  }

  isRunning(runId: string): boolean {
    const run = this.live.get(runId);
    return Boolean(run && !run.finalizing);
  }

  private publish(run: LiveRun, event: RunEvent): void {
    run.record = applyRunEvent(run.record, event);
    for (const listener of this.listeners) listener(event);
  }

  private onWorkerMessage(run: LiveRun, m: WorkerMessage): void {
    if (m.type === 'hello') {
      this.onnxruntimeVersion = m.onnxruntimeVersion;
      run.record = { ...run.record, versions: { ...run.record.versions, onnxruntime: m.onnxruntimeVersion } };
    } else if (m.type === 'event') {
      this.publish(run, m.event);
    } else if (m.type === 'outcome') {
      const prev = run.record.nodes[m.outcome.nodeId];
      if (!prev) return;
      const { result } = m.outcome;
      const node = { ...prev, outputs: result.outputs, metrics: result.metrics, reports: result.reports ?? prev.reports, warnings: result.warnings ?? [], artifacts: m.outcome.artifacts };
      if (m.outcome.cacheKey) node.cacheKey = m.outcome.cacheKey;
      run.record = { ...run.record, nodes: { ...run.record.nodes, [node.nodeId]: node } };
    } else if (m.type === 'done') {
      void this.finalize(run, m.status);
    }
  }

  private onWorkerExit(run: LiveRun, code: number | null, signal: string | null, detail: string): void {
    if (run.finalizing || !this.live.has(run.record.id)) return;
    if (run.cancelRequested) {
      void this.finalize(run, 'cancelled');
      return;
    }
    const runningNode = Object.values(run.record.nodes).find((n) => n.status === 'running');
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const where = runningNode ? ` while running node "${runningNode.nodeId}" (${runningNode.kind})` : '';
    const lastLine = detail.trim().split('\n').filter(Boolean).pop();
    const error: ErrorData = {
      code: 'engine.crashed',
      message: `The engine process ${how}${where}; the run stopped.${lastLine ? ` Last output: ${lastLine.slice(0, 300)}` : ''}`,
      hint: 'A native crash in ONNX Runtime or a node ran out of memory. The app is fine: fix the node or its input and run again.',
    };
    if (runningNode) error.nodeId = runningNode.nodeId;
    void this.finalize(run, 'failed', error);
  }

  private async finalize(run: LiveRun, status: 'done' | 'failed' | 'cancelled', error?: ErrorData): Promise<void> {
    // Stays in `live` until saved, so wait()/current() never look in history too early.
    if (run.finalizing || !this.live.has(run.record.id)) return;
    run.finalizing = true;
    if (run.killTimer) clearTimeout(run.killTimer);
    run.proc.kill();
    const now = Date.now();
    // Nodes the engine never reached (or was in) when it stopped get a final state.
    for (const node of Object.values(run.record.nodes)) {
      if (node.status === 'running' && error) this.publish(run, { type: 'failed', runId: run.record.id, atMs: now, nodeId: node.nodeId, error });
      else if (node.status === 'running' || ((node.status === 'queued' || node.status === 'pending') && status === 'cancelled')) {
        this.publish(run, { type: 'cancelled', runId: run.record.id, atMs: now, nodeId: node.nodeId });
      } else if (node.status === 'queued' || node.status === 'pending') {
        this.publish(run, { type: 'skipped', runId: run.record.id, atMs: now, nodeId: node.nodeId, reason: 'the engine process stopped' });
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
