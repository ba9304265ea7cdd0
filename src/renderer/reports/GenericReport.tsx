// The fallback view of a report: its data as a table (rows of objects, or key/value),
// so every report is readable before it has a chart of its own.
import type { ReportViewProps } from './registry.ts';

type Row = Record<string, unknown>;

function isPlainObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e');
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map(formatCell).join(', ');
  return JSON.stringify(v);
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
