// Messages between the engine's parent (runner.ts) and the engine process (worker.ts),
// and the run plan the parent hands over: nodes in topological order with their
// params already defaulted and checked.
import type { NodeResult } from '../../shared/catalog/types.ts';
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

/** What the worker keeps per finished node, beside the events. */
export interface NodeOutcome {
  nodeId: string;
  cacheKey?: string;
  result: NodeResult;
  artifacts: string[];
}

export type ParentMessage =
  | { type: 'start'; plan: RunPlan }
  | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'hello'; onnxruntimeVersion: string; pid: number }
  | { type: 'event'; event: RunEvent }
  | { type: 'outcome'; outcome: NodeOutcome }
  | { type: 'done'; status: 'done' | 'failed' | 'cancelled' };
