// Messages between the engine's parent (pool.ts) and an engine process (worker.ts), the
// run plan the runner builds (nodes in topological order, params defaulted and checked),
// and the one-node jobs the scheduler cuts it into.
import type { NodeResult, PortValue } from '../../shared/catalog/types.ts';
import type { ErrorData } from '../../shared/errors.ts';
import type { RunEvent } from '../../shared/api/run.ts';

export interface PlannedNode {
  id: string;
  kind: string;
  /** The catalog version of the kind: part of the cache key. */
  version: number;
  /** False: run every time (the kind's effect is outside the cache). */
  cache: boolean;
  params: Record<string, unknown>;
  /** Input port -> [upstream node id, its output port]. */
  inputs: Record<string, [string, string]>;
  /** Param names whose value is a file to read: their content is part of the cache key. */
  readPaths: string[];
  /** Dataset input ports this node trains on (Train category). */
  trainingData?: string[];
  /** Dataset input ports this node scores its model on (Evaluate category). */
  evaluationData?: string[];
}

export interface RunPlan {
  runId: string;
  nodes: PlannedNode[];
  documentDir: string;
  outputDir: string;
  cacheDir: string;
  /** Extra modules exporting `handlers: Record<string, NodeHandler>` (plugins, tests). */
  handlerModules: string[];
}

/** What the engine keeps per finished node, beside the events. */
export interface NodeOutcome {
  nodeId: string;
  cacheKey?: string;
  result: NodeResult;
  artifacts: string[];
}

/**
 * One node to run, as the scheduler hands it to an engine process (local pool) or a
 * queue worker: its cache key and input values are settled by the parent, so any process
 * with the same files computes the same bytes.
 */
export interface NodeJob {
  runId: string;
  node: PlannedNode;
  cacheKey: string;
  /** Upstream values by input port (paths point into the cache this job's engine reads). */
  inputs: Record<string, PortValue | undefined>;
  documentDir: string;
  outputDir: string;
  cacheDir: string;
  handlerModules: string[];
  /** ONNX Runtime intra-op threads for sessions whose node leaves threads on auto (0). */
  threads: number;
}

/** How a job ended in its engine: a stored outcome, or an error (cancelled: the run was). */
export type JobEnd =
  | {
    type: 'job.done'; nodeId: string; outcome: NodeOutcome; durationMs: number; cached: boolean;
    /** How long the job held its process or worker, set by the pool or the queue: minus durationMs, the cost of moving it. */
    slotMs?: number;
  }
  | { type: 'job.failed'; nodeId: string; error: ErrorData; cancelled: boolean };

export type ParentMessage =
  | { type: 'job'; job: NodeJob }
  | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'hello'; onnxruntimeVersion: string; pid: number }
  | { type: 'event'; event: RunEvent }
  | JobEnd;
