// The small "sweep" switch beside a number or choice field: on, the param holds a sweep
// (a list of values, or a range) instead of one value; off, its own value applies again.
import type { ParamSpec } from '../../shared/catalog/types.ts';
import type { SweepSpec } from '../../shared/pipeline/sweep-spec.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectNodes } from '../store/selectors.ts';

/** The sweep a new switch-on starts from: every choice, or the current value alone. */
export function initialSweep(spec: ParamSpec, value: unknown): SweepSpec {
  if (spec.type === 'enum') return { kind: 'list', values: spec.options.map((o) => o.value) };
  return { kind: 'list', values: [typeof value === 'number' ? value : Number(spec.default)] };
}

interface Props { nodeId: string; name: string; spec: ParamSpec; value: unknown }

export function SweepToggle({ nodeId, name, spec, value }: Props) {
  const store = usePipelineStoreApi();
  const nodes = usePipelineStore(selectNodes);
  if (spec.type !== 'number' && spec.type !== 'enum') return null;
  const on = nodes.find((n) => n.id === nodeId)?.sweeps?.[name] !== undefined;
  const toggle = () => store.getState().commit([{ type: 'setSweep', id: nodeId, param: name, sweep: on ? undefined : initialSweep(spec, value) }]);
  return (
    <button
      type="button"
      className={`wh-sweep-toggle${on ? ' wh-sweep-toggle--on' : ''}`}
      aria-pressed={on}
      onClick={toggle}
      title={on ? 'Stop sweeping: run with the single value above' : 'Sweep: run a variant per value (a list or a range)'}
      data-testid={`param-${name}-sweep`}
    >
      sweep
    </button>
  );
}
