// Facts the editor derives from the document, computed once per document version (the
// store's `present` changes identity on every edit): which run results are outdated, and
// which params hold a value the catalog refuses (kept in the field, marked on the node).
import { outdatedNodeIds } from '../../shared/api/run-staleness.ts';
import type { Problem } from '../../shared/pipeline/document.ts';
import { validateDocument } from '../../shared/pipeline/validate.ts';
import type { PipelineState } from './createPipelineStore.ts';

const NO_IDS: ReadonlySet<string> = new Set();

function memoOn<A extends object, B extends object | null, R>(compute: (a: A, b: B) => R): (a: A, b: B) => R {
  let lastA: A | undefined;
  let lastB: B | undefined;
  let last: R;
  return (a, b) => {
    if (a !== lastA || b !== lastB) {
      last = compute(a, b);
      lastA = a;
      lastB = b;
    }
    return last;
  };
}

const outdatedOf = memoOn((present: PipelineState['history']['present'], ran: PipelineState['runDocument']) => (ran ? outdatedNodeIds(ran, present) : NO_IDS));

/** Nodes whose shown results come from params or inputs that have changed since. */
export function selectOutdated(s: PipelineState): ReadonlySet<string> {
  return outdatedOf(s.history.present, s.runDocument);
}

const paramProblemsOf = memoOn((present: PipelineState['history']['present'], catalog: PipelineState['catalog']): Problem[] => (
  catalog.length === 0 ? [] : validateDocument(present, catalog).filter((p) => p.code === 'pipeline.bad-param')
));

/** Values the inspector kept although the catalog refuses them; Run is blocked by them too. */
export function selectParamProblems(s: PipelineState): Problem[] {
  return paramProblemsOf(s.history.present, s.catalog);
}
