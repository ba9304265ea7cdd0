// Every variant in one table: its settings, its state (with how many of its own nodes have
// ended), its figures, and whether it is on the front. A click chooses it in the charts.
import { variantSettingText, type SweepDimension } from '../../../shared/pipeline/sweep.ts';
import { SWEEP_METRICS, type SweepMetric, type VariantOutcome } from '../../../shared/api/sweep-results.ts';

interface Props {
  dimensions: readonly SweepDimension[];
  metrics: readonly SweepMetric[];
  variants: readonly VariantOutcome[];
  front: ReadonlySet<string>;
  selected: string | null;
  onSelect(id: string): void;
}

export function VariantTable({ dimensions, metrics, variants, front, selected, onSelect }: Props) {
  return (
    <table className="wh-table wh-sweep-table" data-testid="sweep-variants">
      <thead>
        <tr>
          <th>Variant</th>
          {dimensions.map((d) => <th key={`${d.nodeId}.${d.param}`}>{d.label}</th>)}
          <th>State</th>
          {metrics.map((m) => <th key={m} className="wh-num">{SWEEP_METRICS[m].label}</th>)}
          <th>Front</th>
        </tr>
      </thead>
      <tbody>
        {variants.map((v) => (
          <tr key={v.id} className={v.id === selected ? 'wh-row--selected' : undefined} onClick={() => onSelect(v.id)} data-testid={`sweep-variant-${v.id}`} data-state={v.state}>
            <td><code>{v.id}</code></td>
            {dimensions.map((d) => <td key={`${d.nodeId}.${d.param}`}>{variantSettingText(v, d)}</td>)}
            <td>
              <span className={`wh-pill wh-pill--${v.state === 'warning' ? 'warning' : v.state}`}>{v.state}</span>
              <span className="wh-muted"> {v.nodesDone}/{v.nodesTotal}</span>
              {v.warnings.length > 0 && <span className="wh-muted" title={v.warnings.join('\n')}> ⚠ {v.warnings.length}</span>}
            </td>
            {metrics.map((m) => <td key={m} className="wh-num">{v.metrics[m] === undefined ? '—' : SWEEP_METRICS[m].format(v.metrics[m]!)}</td>)}
            <td>{front.has(v.id) ? '★' : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
