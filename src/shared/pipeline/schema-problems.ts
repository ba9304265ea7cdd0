// zod issues of the document schema as Problems a user understands: the JSON path,
// the node id when the issue is inside a node, and unknown fields named.
import type { z } from 'zod';
import type { Problem } from './document.ts';

function nodeIdAt(raw: unknown, index: number): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const nodes = (raw as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  const id = (nodes[index] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function schemaProblems(issues: readonly z.core.$ZodIssue[], raw: unknown): Problem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const where = path ? `at "${path}"` : 'at the top level';
    const problem: Problem = { code: 'pipeline.schema', message: `${issue.message} (${where}).`, path };
    if (issue.code === 'unrecognized_keys') {
      problem.code = 'pipeline.unknown-field';
      problem.message = `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}.`;
      problem.hint = 'Remove the field; a pipeline document holds only the fields of its format version.';
    }
    if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
      const nodeId = nodeIdAt(raw, issue.path[1]);
      if (nodeId) problem.nodeId = nodeId;
    }
    return problem;
  });
}
