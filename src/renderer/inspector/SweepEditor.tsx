// The sweep of one param, shown under its field while the sweep switch is on: a list or a
// linear/log range, the values it stands for, any value outside the param's range, and the
// document's variant count and sampling (SweepSettingsFields).
import type { ParamSpec } from '../../shared/catalog/types.ts';
import type { SweepSpec } from '../../shared/pipeline/sweep-spec.ts';
import { checkSweep, sweepValues } from '../../shared/pipeline/sweep-values.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectNodes } from '../store/selectors.ts';
import { TextDraftInput } from './TextDraftInput.tsx';
import { SweepSettingsFields } from './SweepSettingsFields.tsx';
import './sweep.css';

interface Props { nodeId: string; name: string; spec: ParamSpec }

/** "0.3, 0.5 0.7" -> numbers, or null when a part is not a number. */
function parseNumberList(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  const values = parts.map(Number);
  return parts.length > 0 && values.every(Number.isFinite) ? values : null;
}

function RangeFields({ sweep, onChange, testId }: { sweep: Extract<SweepSpec, { kind: 'linear' | 'log' }>; onChange(s: SweepSpec): void; testId: string }) {
  const field = (key: 'start' | 'stop' | 'steps', label: string) => (
    <label className="wh-sweep__range-field">
      <span>{label}</span>
      <TextDraftInput
        type="number"
        value={String(sweep[key])}
        validate={(d) => (Number.isFinite(Number(d)) && d.trim() !== '' ? null : 'Enter a number.')}
        onCommit={(d) => onChange({ ...sweep, [key]: key === 'steps' ? Math.max(2, Math.round(Number(d))) : Number(d) })}
        testId={`${testId}-${key}`}
      />
    </label>
  );
  return <div className="wh-sweep__range">{field('start', 'From')}{field('stop', 'To')}{field('steps', 'Steps')}</div>;
}

function ListFields({ spec, sweep, onChange, testId }: { spec: ParamSpec; sweep: Extract<SweepSpec, { kind: 'list' }>; onChange(s: SweepSpec): void; testId: string }) {
  if (spec.type === 'enum') {
    const chosen = new Set(sweep.values.map(String));
    const flip = (v: string) => {
      const values = spec.options.map((o) => o.value).filter((o) => (o === v ? !chosen.has(o) : chosen.has(o)));
      if (values.length > 0) onChange({ kind: 'list', values });
    };
    return (
      <div className="wh-sweep__choices" data-testid={`${testId}-choices`}>
        {spec.options.map((o) => (
          <label key={o.value} className="wh-sweep__choice">
            <input type="checkbox" checked={chosen.has(o.value)} onChange={() => flip(o.value)} data-testid={`${testId}-choice-${o.value}`} /> {o.label}
          </label>
        ))}
      </div>
    );
  }
  return (
    <TextDraftInput
      value={sweep.values.join(', ')}
      placeholder="0.3, 0.5, 0.7"
      validate={(d) => (parseNumberList(d) ? null : 'Write numbers separated by commas.')}
      onCommit={(d) => { const values = parseNumberList(d); if (values) onChange({ kind: 'list', values }); }}
      testId={`${testId}-values`}
    />
  );
}

export function SweepEditor({ nodeId, name, spec }: Props) {
  const store = usePipelineStoreApi();
  const nodes = usePipelineStore(selectNodes);
  const sweep = nodes.find((n) => n.id === nodeId)?.sweeps?.[name];
  if (!sweep || (spec.type !== 'number' && spec.type !== 'enum')) return null;
  const testId = `param-${name}-sweep`;
  const set = (next: SweepSpec) => store.getState().commit([{ type: 'setSweep', id: nodeId, param: name, sweep: next }]);
  const setKind = (kind: SweepSpec['kind']) => {
    if (kind === sweep.kind) return;
    const values = sweepValues(sweep, spec).filter((v): v is number => typeof v === 'number');
    const lo = values.length > 0 ? Math.min(...values) : Number(spec.default);
    const hi = values.length > 0 ? Math.max(...values) : Number(spec.default);
    set(kind === 'list' ? { kind, values: values.length > 0 ? values : [lo] } : { kind, start: kind === 'log' && lo <= 0 ? 0.001 : lo, stop: hi, steps: Math.max(2, values.length) });
  };
  const problem = checkSweep(spec, sweep);
  const values = sweepValues(sweep, spec);
  return (
    <div className="wh-sweep" data-testid={`${testId}-editor`}>
      {spec.type === 'number' && (
        <select className="wh-input wh-sweep__kind" value={sweep.kind} onChange={(e) => setKind(e.target.value as SweepSpec['kind'])} data-testid={`${testId}-kind`}>
          <option value="list">List of values</option>
          <option value="linear">Linear range</option>
          <option value="log">Log range</option>
        </select>
      )}
      {sweep.kind === 'list' ? <ListFields spec={spec} sweep={sweep} onChange={set} testId={testId} /> : <RangeFields sweep={sweep} onChange={set} testId={testId} />}
      <span className="wh-field__help" data-testid={`${testId}-values-preview`}>
        {values.length} value{values.length === 1 ? '' : 's'}: {values.join(', ')}. A run makes a variant per value; the field above is used when the sweep is off.
      </span>
      {problem && <span className="wh-field__error" data-testid={`${testId}-error`}>{spec.label} {problem}.</span>}
      <SweepSettingsFields />
    </div>
  );
}
