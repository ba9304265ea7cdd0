// Runs a plan inside the engine process: nodes in topological order, each either a cache
// hit (no handler runs) or a handler call with an abort signal; a failed node's
// downstream nodes are skipped, independent branches go on; cancellation stops the rest.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { NodeResult, Params, PortValue } from '../../shared/catalog/types.ts';
import type { RunEvent } from '../../shared/api/run.ts';
import { toErrorData, WhittleError } from '../../shared/errors.ts';
import type { NodeContext, NodeHandler } from './handler.ts';
import { cacheKey, NodeCache, sha256File } from './cache.ts';
import type { NodeOutcome, PlannedNode, RunPlan } from './protocol.ts';
import { leakageWarnings } from './leakage.ts';
import { stepLabel } from '../../shared/api/run-labels.ts';

type EventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'atMs'> : never) : never;

export interface ExecutorHooks {
  emit(event: RunEvent): void;
  outcome(outcome: NodeOutcome): void;
}

const PROGRESS_INTERVAL_MS = 50;

export async function executePlan(plan: RunPlan, handlers: Record<string, NodeHandler>, hooks: ExecutorHooks, signal: AbortSignal): Promise<'done' | 'failed' | 'cancelled'> {
  const emit = (body: EventBody) => hooks.emit({ ...body, runId: plan.runId, atMs: Date.now() } as RunEvent);
  const cache = new NodeCache(plan.cacheDir);
  const values = new Map<string, Record<string, PortValue>>();
  const keys = new Map<string, string>();
  const broken = new Map<string, string>(); // node id -> why its dependents cannot run
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  let failed = false;

  for (const node of plan.nodes) emit({ type: 'queued', nodeId: node.id });
  for (const node of plan.nodes) {
    if (signal.aborted) {
      emit({ type: 'cancelled', nodeId: node.id });
      continue;
    }
    const blocker = Object.values(node.inputs).map(([from]) => from).find((from) => broken.has(from));
    if (blocker) {
      broken.set(node.id, broken.get(blocker)!);
      emit({ type: 'skipped', nodeId: node.id, reason: broken.get(blocker)! });
      continue;
    }
    try {
      await runNode(node, { plan, byId, cache, values, keys, handlers, emit, hooks, signal });
    } catch (err) {
      if (signal.aborted) {
        emit({ type: 'cancelled', nodeId: node.id });
        continue;
      }
      failed = true;
      broken.set(node.id, `upstream node "${node.id}" failed`);
      emit({ type: 'failed', nodeId: node.id, error: toErrorData(err, node.id) });
    }
  }
  if (signal.aborted) return 'cancelled';
  return failed ? 'failed' : 'done';
}

interface RunState {
  plan: RunPlan;
  byId: ReadonlyMap<string, PlannedNode>;
  cache: NodeCache;
  values: Map<string, Record<string, PortValue>>;
  keys: Map<string, string>;
  handlers: Record<string, NodeHandler>;
  emit: (body: EventBody) => void;
  hooks: ExecutorHooks;
  signal: AbortSignal;
}

async function keyOf(node: PlannedNode, s: RunState): Promise<string> {
  const inputKeys: Record<string, string> = {};
  for (const [port, [from, fromPort]] of Object.entries(node.inputs)) inputKeys[port] = `${s.keys.get(from)}:${fromPort}`;
  const fileHashes: Record<string, string> = {};
  for (const name of node.readPaths) {
    const value = node.params[name];
    if (typeof value !== 'string' || value === '') continue;
    fileHashes[name] = await sha256File(resolve(s.plan.documentDir, value)).catch(() => 'missing');
  }
  return cacheKey({ kind: node.kind, version: node.version, params: node.params, inputKeys, fileHashes });
}

async function runNode(node: PlannedNode, s: RunState): Promise<void> {
  const key = await keyOf(node, s);
  s.keys.set(node.id, key);
  if (node.cache) {
    const hit = await s.cache.get(key);
    if (hit) {
      s.values.set(node.id, hit.result.outputs);
      s.hooks.outcome({ nodeId: node.id, cacheKey: key, result: hit.result, artifacts: await s.cache.artifacts(hit.dir) });
      s.emit({ type: 'cached', nodeId: node.id, metrics: hit.result.metrics, ...warningsOf(hit.result) });
      return;
    }
  }
  const handler = s.handlers[node.kind];
  if (!handler) throw new WhittleError('engine.no-handler', `Whittle has no implementation for node kind "${node.kind}".`, 'This is a bug: every catalog kind needs a handler in src/main/engine/handlers.', node.id);
  const inputs: Record<string, PortValue | undefined> = {};
  for (const [port, [from, fromPort]] of Object.entries(node.inputs)) inputs[port] = s.values.get(from)?.[fromPort];
  const workDir = await s.cache.workDir();
  const started = Date.now();
  s.emit({ type: 'started', nodeId: node.id });
  let lastProgressMs = 0;
  const ctx: NodeContext = {
    nodeId: node.id,
    params: node.params as Params,
    inputs,
    documentDir: s.plan.documentDir,
    outputDir: s.plan.outputDir,
    workDir,
    signal: s.signal,
    progress(value, max, message) {
      const now = Date.now();
      if (now - lastProgressMs < PROGRESS_INTERVAL_MS && value < max) return;
      lastProgressMs = now;
      s.emit({ type: 'progress', nodeId: node.id, value, max, ...(message ? { message } : {}) });
    },
    log(message) {
      s.emit({ type: 'log', nodeId: node.id, message });
    },
    report(kind, title, data) {
      s.emit({ type: 'report', nodeId: node.id, report: { kind, title, data } });
    },
  };
  let result: NodeResult;
  try {
    result = await abortable(handler(ctx), s.signal);
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  // Before the cache: a cached replay keeps the warning (the key covers the same inputs).
  const leaks = leakageWarnings(node, { nodes: s.byId, values: s.values });
  if (leaks.length > 0) result = { ...result, warnings: [...(result.warnings ?? []), ...leaks] };
  result = withMeasuredLabels(node, result, inputs.model);
  const stored = node.cache ? await s.cache.put(key, workDir, result) : { result, dir: workDir };
  // An uncached node (e.g. export) that hands nothing downstream leaves nothing to keep.
  if (!node.cache && Object.keys(result.outputs).length === 0) await rm(workDir, { recursive: true, force: true });
  s.values.set(node.id, stored.result.outputs);
  const artifacts = await s.cache.artifacts(stored.dir);
  for (const [name, v] of Object.entries(stored.result.metrics)) if (name.endsWith('Path') && typeof v === 'string') artifacts.push(v);
  s.hooks.outcome({ nodeId: node.id, cacheKey: key, result: stored.result, artifacts });
  for (const report of stored.result.reports ?? []) s.emit({ type: 'report', nodeId: node.id, report });
  s.emit({ type: 'finished', nodeId: node.id, metrics: stored.result.metrics, durationMs: Date.now() - started, ...warningsOf(stored.result) });
}

/**
 * Model labels say what the node did, from its measured metrics (run-labels.ts), not what its
 * params asked for: a quantize node that quantized nothing hands on "… · fp32 (nothing
 * quantized)", so evaluations, benchmarks and profiles downstream name it truly.
 */
function withMeasuredLabels(node: PlannedNode, result: NodeResult, input: PortValue | undefined): NodeResult {
  const step = stepLabel({ kind: node.kind, metrics: result.metrics, params: node.params });
  if (!step || input?.type !== 'model') return result;
  const prefix = `${input.label} · `;
  const outputs = Object.fromEntries(Object.entries(result.outputs).map(([port, v]) => (
    [port, v.type === 'model' && v.label.startsWith(prefix) ? { ...v, label: `${prefix}${step}` } : v]
  )));
  return { ...result, outputs };
}

/** A result's warnings for its finished/cached event (absent when there are none). */
function warningsOf(result: NodeResult): { warnings?: string[] } {
  return result.warnings && result.warnings.length > 0 ? { warnings: result.warnings } : {};
}

/** Settle as soon as the signal aborts, even when a handler ignores it (the parent kills us soon after). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then((v) => { signal.removeEventListener('abort', onAbort); resolvePromise(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}
