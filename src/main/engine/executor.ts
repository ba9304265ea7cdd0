// Runs one node job inside an engine process: a cache hit (no handler runs) or a handler
// call with an abort signal, its outputs labelled by what it measured and stored in the
// cache under the key the scheduler computed. The scheduler (scheduler.ts) decides what
// runs when and where; this file only knows one node.
import { rm } from 'node:fs/promises';
import type { NodeResult, Params, PortValue } from '../../shared/catalog/types.ts';
import type { RunEvent } from '../../shared/api/run.ts';
import { toErrorData, WhittleError } from '../../shared/errors.ts';
import type { NodeContext, NodeHandler } from './handler.ts';
import { NodeCache } from './cache.ts';
import type { JobEnd, NodeJob, PlannedNode } from './protocol.ts';
import { stepLabel } from '../../shared/api/run-labels.ts';

export type EventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'atMs'> : never) : never;

const PROGRESS_INTERVAL_MS = 50;

/** Runs the job; never throws: failures come back as `job.failed` (cancelled when the signal fired). */
export async function executeJob(job: NodeJob, handlers: Record<string, NodeHandler>, emit: (event: RunEvent) => void, signal: AbortSignal): Promise<JobEnd> {
  const nodeId = job.node.id;
  try {
    return await runJob(job, handlers, (body) => emit({ ...body, runId: job.runId, atMs: Date.now() } as RunEvent), signal);
  } catch (err) {
    return { type: 'job.failed', nodeId, error: toErrorData(err, nodeId), cancelled: signal.aborted };
  }
}

async function runJob(job: NodeJob, handlers: Record<string, NodeHandler>, emit: (body: EventBody) => void, signal: AbortSignal): Promise<JobEnd> {
  const { node } = job;
  const cache = new NodeCache(job.cacheDir);
  if (node.cache) {
    const hit = await cache.get(job.cacheKey);
    if (hit) {
      const outcome = { nodeId: node.id, cacheKey: job.cacheKey, result: hit.result, artifacts: await cache.artifacts(hit.dir) };
      return { type: 'job.done', nodeId: node.id, outcome, durationMs: 0, cached: true };
    }
  }
  const handler = handlers[node.kind];
  if (!handler) throw new WhittleError('engine.no-handler', `Whittle has no implementation for node kind "${node.kind}".`, 'This is a bug: every catalog kind needs a handler in src/main/engine/handlers.', node.id);
  const workDir = await cache.workDir();
  const started = Date.now();
  emit({ type: 'started', nodeId: node.id });
  let result: NodeResult;
  try {
    result = await abortable(handler(nodeContext(job, workDir, emit, signal)), signal);
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  result = withMeasuredLabels(node, result, job.inputs.model);
  const stored = node.cache ? await cache.put(job.cacheKey, workDir, result) : { result, dir: workDir };
  // An uncached node (e.g. export) that hands nothing downstream leaves nothing to keep.
  if (!node.cache && Object.keys(result.outputs).length === 0) await rm(workDir, { recursive: true, force: true });
  const artifacts = await cache.artifacts(stored.dir);
  for (const [name, v] of Object.entries(stored.result.metrics)) if (name.endsWith('Path') && typeof v === 'string') artifacts.push(v);
  const outcome = { nodeId: node.id, cacheKey: job.cacheKey, result: stored.result, artifacts };
  return { type: 'job.done', nodeId: node.id, outcome, durationMs: Date.now() - started, cached: false };
}

function nodeContext(job: NodeJob, workDir: string, emit: (body: EventBody) => void, signal: AbortSignal): NodeContext {
  const nodeId = job.node.id;
  let lastProgressMs = 0;
  return {
    nodeId,
    params: job.node.params as Params,
    inputs: job.inputs,
    documentDir: job.documentDir,
    outputDir: job.outputDir,
    workDir,
    signal,
    progress(value, max, message) {
      const now = Date.now();
      if (now - lastProgressMs < PROGRESS_INTERVAL_MS && value < max) return;
      lastProgressMs = now;
      emit({ type: 'progress', nodeId, value, max, ...(message ? { message } : {}) });
    },
    log(message) {
      emit({ type: 'log', nodeId, message });
    },
    report(kind, title, data) {
      emit({ type: 'report', nodeId, report: { kind, title, data } });
    },
  };
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
