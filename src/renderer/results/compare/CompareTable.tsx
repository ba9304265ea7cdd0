// The compare table: one row per model, values in their units, each with its difference
// from the chosen baseline under it ("3.7× smaller", "−0.2 pt"); an empty agreement or
// SQNR cell says why on hover.
import type { ModelRow } from '../../../shared/results/rows.ts';
import { cellDelta, cellText, type CompareColumn, type ModelFileStats } from '../../../shared/results/table.ts';
import type { InspectionState } from './useModelInspections.ts';

interface Props {
  rows: ModelRow[];
  columns: CompareColumn[];
  stats: Record<string, InspectionState>;
  baseline: ModelRow | undefined;
  selected: string | undefined;
  multiRun: boolean;
  onSelect(uid: string): void;
}

/** Old test ids some specs read the cells by. */
const CELL_TEST_IDS: Record<string, string> = { top1: 'compare-top1', hostLatency: 'compare-host-latency', boardLatency: 'compare-board-latency' };

export function statsOf(stats: Record<string, InspectionState>) {
  return (r: ModelRow): ModelFileStats | undefined => {
    const s = stats[r.uid];
    return s?.status === 'ok' ? s.value : undefined;
  };
}

function Cell({ column, row, baseline, stats }: { column: CompareColumn; row: ModelRow; baseline: ModelRow | undefined; stats: Record<string, InspectionState> }) {
  const state = stats[row.uid];
  const testId = CELL_TEST_IDS[column.id] ?? `compare-${column.id}`;
  if (column.fromFile && state?.status !== 'ok') {
    return <td className="wh-num wh-muted" data-testid={testId} title={state?.status === 'error' ? state.message : undefined}>{state?.status === 'error' ? 'n/a' : '…'}</td>;
  }
  const get = statsOf(stats);
  const value = column.value(row, get(row));
  const delta = cellDelta(column, row, baseline, get);
  const why = column.withAccuracy ? row.agreementNote : value === undefined ? column.missing : undefined;
  const settings = column.id === 'hostLatency' ? row.latencySettings : column.id === 'boardLatency' ? row.boardSettings : undefined;
  const unknownMacs = column.id === 'macs' && (get(row)?.macsUnknownLayers ?? 0) > 0;
  return (
    <td className="wh-num" data-testid={testId} data-col={column.id} title={why}>
      <span className={value === undefined && why ? 'wh-compare__why' : undefined}>{cellText(column, value)}{unknownMacs ? '*' : ''}</span>
      {delta && <div className={`wh-compare__delta wh-compare__delta--${delta.tone}`} data-testid={`delta-${column.id}`}>{delta.text}</div>}
      {settings && <div className="wh-muted wh-compare__settings">{settings}</div>}
    </td>
  );
}

function LabelCell({ row, isBaseline }: { row: ModelRow; isBaseline: boolean }) {
  return (
    <td className="wh-compare__label">
      <span data-testid={`compare-label-${row.nodeId}`}>{row.label}</span>
      {isBaseline && <span className="wh-pill wh-compare__baseline-pill" data-testid="baseline-pill">baseline</span>}
      {row.warnings.length > 0 && (
        <div className="wh-compare__warning" data-testid={`compare-warning-${row.nodeId}`} title={row.warnings.join('\n\n')}>
          ⚠ {row.warnings[0]}{row.warnings.length > 1 ? ` (+${row.warnings.length - 1} more)` : ''}
        </div>
      )}
    </td>
  );
}

export function CompareTable({ rows, columns, stats, baseline, selected, multiRun, onSelect }: Props) {
  const runNumbers = new Map([...new Set(rows.map((r) => r.runId))].map((id, i) => [id, String(i + 1)]));
  return (
    <table className="wh-table wh-table--hover wh-compare__table" data-testid="compare-table">
      <thead>
        <tr>
          <th>Model</th><th title={multiRun ? 'Run number (in the order picked) and node id' : undefined}>Node</th>
          {columns.map((c) => <th key={c.id} className="wh-num" data-col={c.id}>{c.label}</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.uid}
            className={`${r.uid === selected ? 'wh-row--selected' : ''}${r.warnings.length > 0 ? ' wh-compare__row--warning' : ''}${r.uid === baseline?.uid ? ' wh-compare__row--baseline' : ''}`.trim() || undefined}
            onClick={() => onSelect(r.uid)}
            data-testid={`compare-row-${r.nodeId}`}
            data-uid={r.uid}
            data-outcome={r.warnings.length > 0 ? 'warning' : 'done'}
          >
            <LabelCell row={r} isBaseline={r.uid === baseline?.uid} />
            <td className="wh-compare__node">{multiRun && <span className="wh-muted">{runNumbers.get(r.runId)}:</span>}<code>{r.nodeId}</code>{r.port !== 'model' ? <span className="wh-muted"> · {r.port}</span> : null}</td>
            {columns.map((c) => <Cell key={c.id} column={c} row={r} baseline={baseline} stats={stats} />)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
