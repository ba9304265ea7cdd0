// Run progress on the terminal: one cli-progress bar per node on a TTY, plain lines
// otherwise (CI logs, pipes). Everything goes to the given stream (stderr under --json).
import cliProgress from 'cli-progress';
import type { RunEvent } from '../../shared/api/run.ts';

export interface ProgressView {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/** ' — ⚠ main warning (+n more)' for a node that ended with warnings, else ''. */
export function warningSuffix(warnings: readonly string[] | undefined): string {
  if (!warnings || warnings.length === 0) return '';
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more)` : '';
  return `\n    warning: ${warnings[0]}${more}`;
}

function metricsLine(metrics: Record<string, unknown>): string {
  return Object.entries(metrics).filter(([k]) => k !== 'sha256').slice(0, 6).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v)}`).join(', ');
}

export function plainProgress(stream: NodeJS.WritableStream): ProgressView {
  const lastPercent = new Map<string, number>();
  const warned = new Set<string>();
  const line = (s: string) => stream.write(`${s}\n`);
  return {
    onEvent(e) {
      if ((e.type === 'finished' || e.type === 'cached') && e.warnings?.length) warned.add(e.nodeId);
      switch (e.type) {
        case 'started': line(`[${e.nodeId}] started`); break;
        case 'progress': {
          // Plain output gets a line per 25% so logs stay short.
          const pct = e.max > 0 ? Math.floor((100 * e.value) / e.max / 25) * 25 : 0;
          if ((lastPercent.get(e.nodeId) ?? -1) < pct && pct < 100) {
            lastPercent.set(e.nodeId, pct);
            line(`[${e.nodeId}] ${pct}%${e.message ? ` ${e.message}` : ''}`);
          }
          break;
        }
        case 'cached': line(`[${e.nodeId}] cached${e.warnings?.length ? ' with warnings' : ''} — ${metricsLine(e.metrics)}${warningSuffix(e.warnings)}`); break;
        case 'finished': line(`[${e.nodeId}] ${e.warnings?.length ? 'done with warnings' : 'done'} in ${e.durationMs} ms — ${metricsLine(e.metrics)}${warningSuffix(e.warnings)}`); break;
        case 'failed': line(`[${e.nodeId}] FAILED: ${e.error.message}${e.error.hint ? `\n    hint: ${e.error.hint}` : ''}`); break;
        case 'skipped': line(`[${e.nodeId}] skipped (${e.reason})`); break;
        case 'cancelled': line(`[${e.nodeId}] cancelled`); break;
        case 'log': line(`[${e.nodeId}] ${e.message}`); break;
        case 'run.finished': {
          const amber = warned.size > 0 ? ` (${warned.size} node${warned.size > 1 ? 's' : ''} with warnings: ${[...warned].join(', ')})` : '';
          line(`run ${e.status}${amber}${e.error ? `: ${e.error.message}` : ''}`);
          break;
        }
        default: break;
      }
    },
    stop() {},
  };
}

export function barProgress(stream: NodeJS.WritableStream, nodeIds: string[]): ProgressView {
  const multi = new cliProgress.MultiBar({
    stream: stream as NodeJS.WriteStream,
    format: ' {node} |{bar}| {percentage}% {status}',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    barsize: 24,
  }, cliProgress.Presets.shades_classic);
  const width = Math.max(...nodeIds.map((id) => id.length), 4);
  const bars = new Map(nodeIds.map((id) => [id, multi.create(1, 0, { node: id.padEnd(width), status: 'queued' })]));
  const set = (id: string, value: number, max: number, status: string) => {
    const bar = bars.get(id);
    if (!bar) return;
    bar.setTotal(Math.max(max, 1));
    bar.update(value, { status });
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'started': set(e.nodeId, 0, 1, 'running'); break;
        case 'progress': set(e.nodeId, e.value, e.max, e.message ?? 'running'); break;
        case 'cached': set(e.nodeId, 1, 1, e.warnings?.length ? `cached, WARNING: ${e.warnings[0]}` : `cached — ${metricsLine(e.metrics)}`); break;
        case 'finished': set(e.nodeId, 1, 1, e.warnings?.length ? `done ${e.durationMs} ms, WARNING: ${e.warnings[0]}` : `done ${e.durationMs} ms — ${metricsLine(e.metrics)}`); break;
        case 'failed': set(e.nodeId, 0, 1, `FAILED: ${e.error.message}`); break;
        case 'skipped': set(e.nodeId, 0, 1, `skipped (${e.reason})`); break;
        case 'cancelled': set(e.nodeId, 0, 1, 'cancelled'); break;
        default: break;
      }
    },
    stop() {
      multi.stop();
    },
  };
}
