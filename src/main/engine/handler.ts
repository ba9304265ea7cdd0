// The contract between the engine and a node kind's implementation. A handler gets its
// resolved inputs and validated params and returns a NodeResult; it reports progress,
// honours the abort signal, and writes artifacts only under `workDir`.
import type { NodeResult, Params, PortValue } from '../../shared/catalog/types.ts';

export interface NodeContext {
  nodeId: string;
  /** Params after defaults were applied and the schema checked. */
  params: Params;
  /** Upstream values by input port name (optional ports may be absent). */
  inputs: Record<string, PortValue | undefined>;
  /** Folder of the pipeline document: relative paths in params resolve against it. */
  documentDir: string;
  /**
   * Where paths the user chose for writing (save-file params) resolve: the document's
   * folder, or the CLI's --out folder. Absent in hand-made contexts: use documentDir.
   */
  outputDir?: string;
  /** A fresh, empty folder for this node's artifacts; the engine moves them into the cache. */
  workDir: string;
  signal: AbortSignal;
  progress(value: number, max: number, message?: string): void;
  log(message: string): void;
  /**
   * Partial results while the node runs (e.g. per-epoch training curves); the UI shows the
   * latest one in the node and the results view.
   */
  report(kind: string, title: string, data: unknown): void;
}

export type NodeHandler = (ctx: NodeContext) => Promise<NodeResult>;
