// Facts the editor derives from the document, computed once per document version (the
// store's `present` changes identity on every edit): which run results are outdated, and
// which params hold a value the catalog refuses (kept in the field, marked on the node).
// A drag moves nodes on every pointer move; positions change none of these facts, so a
// version that differs from the last one only in positions reuses the last answer.
import { outdatedNodeIds } from '../../shared/api/run-staleness.ts';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import { validateDocument } from '../../shared/pipeline/validate.ts';
import type { PipelineState } from './createPipelineStore.ts';

const NO_IDS: ReadonlySet<string> = new Set();

/** True when `b` is `a` with (at most) some nodes moved: same edges, same node content. */
export function differsOnlyInPositions(a: PipelineDocument, b: PipelineDocument): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x === y) continue;
    if (x.id !== y.id || x.kind !== y.kind || x.params !== y.params || x.label !== y.label || x.kindVersion !== y.kindVersion) return false;
  }
  return true;
}

function memoOnContent<B extends object | null, R>(compute: (doc: PipelineDocument, b: B) => R): (doc: PipelineDocument, b: B) => R {
  let lastDoc: PipelineDocument | undefined;
  let lastB: B | undefined;
  let last: R;
  return (doc, b) => {
    if (lastDoc === undefined || b !== lastB || !differsOnlyInPositions(lastDoc, doc)) last = compute(doc, b);
    lastDoc = doc;
    lastB = b;
    return last;
  };
}

const outdatedOf = memoOnContent((present: PipelineDocument, ran: PipelineState['runDocument']) => (ran ? outdatedNodeIds(ran, present) : NO_IDS));

/** Nodes whose shown results come from params or inputs that have changed since. */
export function selectOutdated(s: PipelineState): ReadonlySet<string> {
  return outdatedOf(s.history.present, s.runDocument);
}

const paramProblemsOf = memoOnContent((present: PipelineDocument, catalog: PipelineState['catalog']): Problem[] => (
  catalog.length === 0 ? [] : validateDocument(present, catalog).filter((p) => p.code === 'pipeline.bad-param')
));

/** Values the inspector kept although the catalog refuses them; Run is blocked by them too. */
export function selectParamProblems(s: PipelineState): Problem[] {
  return paramProblemsOf(s.history.present, s.catalog);
}

const EMPTY_MESSAGES: ReadonlyMap<string, string> = new Map();

function messagesByNode(lists: Problem[][]): ReadonlyMap<string, string> {
  const byNode = new Map<string, string[]>();
  for (const list of lists) {
    for (const p of list) {
      if (!p.nodeId) continue;
      const messages = byNode.get(p.nodeId) ?? [];
      if (!messages.includes(p.message)) messages.push(p.message);
      byNode.set(p.nodeId, messages);
    }
  }
  if (byNode.size === 0) return EMPTY_MESSAGES;
  return new Map([...byNode].map(([id, messages]) => [id, messages.join('\n')]));
}

let lastLists: [Problem[], Problem[]] | null = null;
let lastByNode: ReadonlyMap<string, string> = EMPTY_MESSAGES;

/**
 * Every node's problems, joined into one string per node (the last run attempt's and the
 * refused param values). Built once per change of either list, so each node's selector is a
 * lookup rather than a scan of every problem (300 nodes scanned on every drag move before).
 */
export function selectProblemMessagesByNode(s: PipelineState): ReadonlyMap<string, string> {
  const params = selectParamProblems(s);
  if (!lastLists || lastLists[0] !== s.problems || lastLists[1] !== params) {
    lastLists = [s.problems, params];
    lastByNode = messagesByNode(lastLists);
  }
  return lastByNode;
}
