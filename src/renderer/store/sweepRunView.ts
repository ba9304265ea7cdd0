// A swept node on the canvas stands for its variants' clones (`prune@v1`, `prune@v2`, ...):
// its state in the run view is theirs folded together — running while any runs (progress
// counts variants ended), failed when one failed, done (or amber) when all succeeded.
import { nodeOutcome, nodeSucceeded } from '../../shared/api/node-outcome.ts';
import type { NodeRunView, RunView } from './runView.ts';

const CLONE_ID = /^(.+)@v\d+$/;

function fold(clones: readonly NodeRunView[]): NodeRunView {
  const outcomes = clones.map((c) => nodeOutcome(c));
  const ended = clones.filter((c) => nodeSucceeded(c.status) || c.status === 'failed' || c.status === 'cancelled' || c.status === 'skipped').length;
  const progress = { value: ended, max: clones.length, message: `${ended}/${clones.length} variants` };
  if (outcomes.includes('failed')) return { status: 'failed', error: clones.find((c) => c.error)?.error };
  if (outcomes.includes('running') || (ended > 0 && ended < clones.length && !outcomes.includes('cancelled'))) return { status: 'running', progress };
  if (outcomes.includes('cancelled')) return { status: 'cancelled' };
  if (ended === clones.length) {
    const warned = clones.filter((c) => nodeOutcome(c) === 'warning');
    if (warned.length === 0) return { status: outcomes.every((o) => o === 'cached') ? 'cached' : 'done' };
    return { status: 'done', warnings: [`${warned.length} of ${clones.length} variants with warnings: ${warned[0].warnings![0]}`] };
  }
  return { status: clones.some((c) => c.status === 'queued') ? 'queued' : 'pending' };
}

/** The run view with each swept node's state folded from its clones (unchanged without clones). */
export function withSweepStates(run: RunView | null): RunView | null {
  if (!run) return run;
  const groups = new Map<string, NodeRunView[]>();
  for (const [id, view] of Object.entries(run.nodes)) {
    const base = CLONE_ID.exec(id)?.[1];
    // "@v" ids are kept for variants (expandSweeps): `base` is a swept node, not another one.
    if (base) groups.set(base, [...(groups.get(base) ?? []), view]);
  }
  if (groups.size === 0) return run;
  const nodes = { ...run.nodes };
  for (const [base, clones] of groups) nodes[base] = fold(clones);
  return { ...run, nodes };
}
