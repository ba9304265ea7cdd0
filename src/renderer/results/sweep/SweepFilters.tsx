// Filters of the sweep view: each swept value on or off, unfinished variants hidden, or the
// Pareto front only. What is filtered out leaves the charts, the table and the best pick.
import type { SweepDimension } from '../../../shared/pipeline/sweep.ts';
import { toggleValue, type SweepFilter } from './sweepFilters.ts';

interface Props {
  dimensions: readonly SweepDimension[];
  filter: SweepFilter;
  onChange(filter: SweepFilter): void;
  shown: number;
  total: number;
}

export function SweepFilters({ dimensions, filter, onChange, shown, total }: Props) {
  return (
    <div className="wh-sweep-filters" data-testid="sweep-filters">
      {dimensions.map((d) => {
        const key = `${d.nodeId}.${d.param}`;
        return (
          <fieldset key={key} className="wh-sweep-filters__dim">
            <legend>{d.label}</legend>
            {d.values.map((v) => (
              <label key={String(v)}>
                <input type="checkbox" checked={!(filter.excluded[key] ?? []).includes(String(v))} onChange={() => onChange(toggleValue(filter, key, String(v)))} data-testid={`sweep-filter-${key}-${v}`} /> {String(v)}
              </label>
            ))}
          </fieldset>
        );
      })}
      <fieldset className="wh-sweep-filters__dim">
        <legend>Show</legend>
        <label><input type="checkbox" checked={filter.hideUnfinished} onChange={(e) => onChange({ ...filter, hideUnfinished: e.target.checked })} data-testid="sweep-filter-finished" /> finished only</label>
        <label><input type="checkbox" checked={filter.frontOnly} onChange={(e) => onChange({ ...filter, frontOnly: e.target.checked })} data-testid="sweep-filter-front" /> front only</label>
      </fieldset>
      <span className="wh-muted" data-testid="sweep-filter-count">{shown} of {total} shown</span>
    </div>
  );
}
