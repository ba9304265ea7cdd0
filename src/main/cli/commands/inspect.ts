// `whittle inspect <model.onnx> [--json]`: per-layer and total statistics of a model
// (parameters, non-zero parameters, MACs, shapes), its size, opset, ops and interface.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { toErrorData } from '../../../shared/errors.ts';
import { formatBytes } from '../../../shared/format.ts';
import { inspectModelPath, type ModelStats } from '../../api/inspect.ts';
import { reportError } from '../api.ts';

const int = (n: number): string => n.toLocaleString('en-US');

/** 1234567 -> "1.23 M"; small numbers stay whole. */
export function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}


const dimsText = (dims: (number | string)[] | undefined): string => (dims ? `[${dims.join(',')}]` : '?');

function table(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The human-readable report `whittle inspect` prints. */
export function formatInspection(stats: ModelStats, name: string): string {
  const io = (list: ModelStats['inputs']) => list.map((t) => `${t.name}: ${t.elemType}${dimsText(t.dims)}`).join(', ');
  const out = [
    `${name}`,
    `  size        ${stats.sizeBytes !== undefined ? `${formatBytes(stats.sizeBytes)} (${int(stats.sizeBytes)} bytes)` : '?'}, gzip ${stats.gzipSizeBytes !== undefined ? formatBytes(stats.gzipSizeBytes) : '?'}`,
    `  format      IR ${stats.irVersion}, opset ${stats.opset ?? '?'}${stats.producer ? `, from ${stats.producer}` : ''}`,
    `  inputs      ${io(stats.inputs)}`,
    `  outputs     ${io(stats.outputs)}`,
    `  ops         ${stats.nodeCount} nodes: ${Object.entries(stats.opsHistogram).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ')}`,
    '',
  ];
  const rows = stats.layers.map((l) => [
    l.name, l.opType, l.weightDims ? dimsText(l.weightDims) + (l.weightEncoding && l.weightEncoding !== 'plain' ? ` ${l.weightEncoding}` : '') : '',
    dimsText(l.outputShape), int(l.params), int(l.nonZeroParams), `${(l.sparsity * 100).toFixed(1)}%`, l.macs === null ? '?' : int(l.macs),
  ]);
  rows.push(['total', '', '', '', int(stats.params), int(stats.nonZeroParams), `${(stats.sparsity * 100).toFixed(1)}%`, int(stats.macs)]);
  out.push(...table(['layer', 'op', 'weight', 'output (batch 1)', 'params', 'non-zero', 'sparsity', 'MACs'], rows, new Set([4, 5, 6, 7])));
  out.push('', `  ${humanCount(stats.params)} parameters (${humanCount(stats.nonZeroParams)} non-zero), ${humanCount(stats.macs)} MACs at batch 1${stats.macsUnknownLayers ? ` (${stats.macsUnknownLayers} layers with unknown or implausible shapes not counted)` : ''}`);
  out.push('  MACs count Conv/ConvTranspose/Gemm/MatMul multiply-accumulates; BatchNormalization running statistics are not parameters.');
  return `${out.join('\n')}\n`;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Print a model\'s statistics: parameters, non-zero parameters and MACs per layer and in total, size, opset, ops.')
    .argument('<model>', '.onnx model file')
    .option('--json', 'print the statistics as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      try {
        const stats = inspectModelPath(file);
        process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : formatInspection(stats, basename(file)));
        process.exitCode = 0;
      } catch (err) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorData(err) }, null, 2)}\n`);
        process.exitCode = reportError(err);
      }
    });
}
