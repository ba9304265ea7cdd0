// What a node's run state shows, apart from the run schemas (run.ts): the editor's node
// faces read it without loading zod (bench:editor).
import type { NodeStatus } from './run.ts';

/** The outcome a node shows: a finished or cached node with warnings is amber (`warning`). */
export function nodeOutcome(node: { status: NodeStatus; warnings?: readonly string[] }): NodeStatus {
  const warned = (node.warnings?.length ?? 0) > 0;
  return warned && (node.status === 'done' || node.status === 'cached') ? 'warning' : node.status;
}

/** True when the node produced its outputs (done, done with warnings, or from the cache). */
export function nodeSucceeded(status: NodeStatus): boolean {
  return status === 'done' || status === 'warning' || status === 'cached';
}
