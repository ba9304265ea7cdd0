// The fallback view of a report: its data as a table (rows of objects, or key/value),
// so every report is readable before it has a chart of its own.
import { formatValue as formatCell } from '../app/format.ts';
import type { ReportViewProps } from './registry.ts';

type Row = Record<string, unknown>;

function isPlainObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function RowsTable({ rows }: { rows: Row[] }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <table className="wh-table">
      <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>{columns.map((c) => <td key={c} className={typeof r[c] === 'number' ? 'wh-num' : undefined}>{formatCell(r[c])}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

export function DataView({ data }: { data: unknown }) {
  if (Array.isArray(data) && data.length > 0 && data.every(isPlainObject)) return <RowsTable rows={data} />;
  if (isPlainObject(data)) {
    const entries = Object.entries(data);
    return (
      <table className="wh-table wh-table--kv">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{Array.isArray(v) && v.length > 0 && v.every(isPlainObject) ? <RowsTable rows={v} /> : isPlainObject(v) ? <DataView data={v} /> : formatCell(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <pre className="wh-pre">{JSON.stringify(data, null, 2)}</pre>;
}

export function GenericReport({ report }: ReportViewProps) {
  return <DataView data={report.data} />;
}
