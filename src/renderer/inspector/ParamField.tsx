// One field of the inspector, chosen by the param's type. Every field shows its help;
// a value outside its bounds shows an inline error and stays: it is stored, marks its
// node and blocks Run like any validation problem, rather than silently reverting.
import { useId } from 'react';
import type { ParamSpec, ParamValue, Params } from '../../shared/catalog/types.ts';
import { effectiveValue, formatNumberMap, paramError, parseNumberMap } from '../../shared/editor/params.ts';
import { TextDraftInput } from './TextDraftInput.tsx';
import { PathField } from './PathField.tsx';
import { DeviceField } from './DeviceField.tsx';
import { SweepEditor } from './SweepEditor.tsx';
import { SweepToggle } from './SweepToggle.tsx';

interface Props {
  nodeId: string;
  name: string;
  spec: ParamSpec;
  params: Params;
  onChange(name: string, value: ParamValue | undefined): void;
}

/** The ids that tie a control to its <label> and its help text. */
interface ControlIds { id: string; describedBy: string }

function boundsText(spec: ParamSpec): string | null {
  if (spec.type !== 'number' && spec.type !== 'number-map') return null;
  const lo = spec.min !== undefined ? `${spec.min} ≤` : '';
  const hi = spec.max !== undefined ? `${spec.exclusiveMax ? '<' : '≤'} ${spec.max}` : '';
  if (!lo && !hi) return null;
  return `${lo} value ${hi}`.trim();
}

function FieldControl({ nodeId, name, spec, params, onChange, ids }: Props & { ids: ControlIds }) {
  const value = effectiveValue(spec, params, name);
  const testId = `param-${name}`;
  const set = (v: ParamValue) => onChange(name, v);
  switch (spec.type) {
    case 'number':
      return (
        <TextDraftInput
          type="number"
          value={String(value)}
          validate={(d) => (d.trim() === '' ? 'Enter a number.' : paramError(spec, Number(d)))}
          canCommit={(d) => d.trim() !== '' && Number.isFinite(Number(d))}
          onCommit={(d) => set(Number(d))}
          testId={testId}
          {...ids}
          inputProps={{ step: spec.step ?? (spec.integer ? 1 : 'any'), min: spec.min, max: spec.max }}
        />
      );
    case 'enum':
      return (
        <select className="wh-input" value={String(value)} onChange={(e) => set(e.target.value)} data-testid={testId} id={ids.id} aria-describedby={ids.describedBy}>
          {spec.options.map((o) => <option key={o.value} value={o.value} title={o.help}>{o.label}</option>)}
          {!spec.options.some((o) => o.value === value) && <option value={String(value)}>{String(value)} (not a valid choice)</option>}
        </select>
      );
    case 'boolean':
      return (
        <input type="checkbox" className="wh-checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} data-testid={testId} id={ids.id} aria-describedby={ids.describedBy} />
      );
    case 'string':
      return <TextDraftInput value={String(value)} placeholder={spec.placeholder} validate={(d) => paramError(spec, d)} canCommit={() => true} onCommit={set} testId={testId} {...ids} />;
    case 'path':
      return <PathField nodeId={nodeId} spec={spec} value={String(value)} onCommit={set} testId={testId} {...ids} />;
    case 'string-list':
      return (
        <TextDraftInput
          multiline
          value={(value as string[]).join('\n')}
          placeholder={spec.placeholder ?? 'One item per line'}
          onCommit={(d) => set(d.split('\n').map((s) => s.trim()).filter(Boolean))}
          testId={testId}
          {...ids}
        />
      );
    case 'number-map':
      return (
        <TextDraftInput
          multiline
          value={formatNumberMap(value as Record<string, number>)}
          placeholder="layer-name: 0.5"
          validate={(d) => {
            const parsed = parseNumberMap(d);
            return parsed ? paramError(spec, parsed) : 'Write one "name: number" per line.';
          }}
          canCommit={(d) => parseNumberMap(d) !== null}
          onCommit={(d) => set(parseNumberMap(d) ?? {})}
          testId={testId}
          {...ids}
        />
      );
    case 'device':
      return <DeviceField value={String(value)} onCommit={set} testId={testId} {...ids} />;
  }
}

export function ParamField(props: Props) {
  const { name, spec, params, onChange } = props;
  const isSet = Object.prototype.hasOwnProperty.call(params, name);
  const bounds = boundsText(spec);
  const unit = spec.type === 'number' ? spec.unit : undefined;
  const id = `${useId()}-${name}`;
  const ids = { id, describedBy: `${id}-help` };
  return (
    <div className={`wh-field wh-field--${spec.type}`} data-testid={`field-${name}`}>
      <div className="wh-field__label">
        <label htmlFor={id}>{spec.label}{unit ? ` (${unit})` : ''}</label>
        {isSet && (
          <button type="button" className="wh-link" onClick={() => onChange(name, undefined)} title="Use the default value" data-testid={`param-${name}-reset`}>
            reset
          </button>
        )}
        <SweepToggle nodeId={props.nodeId} name={name} spec={spec} value={params[name] ?? spec.default} />
      </div>
      <FieldControl {...props} ids={ids} />
      <SweepEditor nodeId={props.nodeId} name={name} spec={spec} />
      <span className="wh-field__help" id={ids.describedBy}>
        {spec.help}
        {bounds ? ` Range: ${bounds}.` : ''}
      </span>
    </div>
  );
}
