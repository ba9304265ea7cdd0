// ONNX core figures for the MobileNetV2 fixture: load and save times (inline and with
// external data), statistics and shape inference times, and the extra memory a loaded
// model costs, as a multiple of its file size.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadModelFile, saveModelFile } from '../src/main/onnx/file.ts';
import { modelStats } from '../src/main/onnx/stats.ts';
import { inferShapes } from '../src/main/onnx/shapes.ts';
import type { Model } from '../src/main/onnx/model.ts';
import { MOBILENET_FIXTURE } from '../test/fixtures-path.ts';

const MIB = 2 ** 20;
const fixture = MOBILENET_FIXTURE;

// A real gc() without --expose-gc on the command line, so memory deltas are not noise.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function timeMs(runs: number, fn: () => void): { medianMs: number; minMs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], minMs: times[0] };
}

function memoryWhileLoaded(fileBytes: number): { heapExternalX: number; rssX: number } {
  gc(); gc();
  const before = process.memoryUsage();
  let model: Model | undefined = loadModelFile(fixture);
  gc(); gc();
  const after = process.memoryUsage();
  const used = model.graph.node.length; // keep the model alive until measured
  model = undefined;
  void used;
  const heapExternal = (after.heapUsed + after.external) - (before.heapUsed + before.external);
  return { heapExternalX: heapExternal / fileBytes, rssX: (after.rss - before.rss) / fileBytes };
}

export default async function onnxBench(): Promise<void> {
  const fileBytes = statSync(fixture).size;
  const memory = memoryWhileLoaded(fileBytes);
  const dir = mkdtempSync(join(tmpdir(), 'whittle-onnx-bench-'));
  try {
    const model = loadModelFile(fixture);
    const rows: [string, { medianMs: number; minMs: number }][] = [
      ['load (decode + checks)', timeMs(7, () => loadModelFile(fixture))],
      ['save inline', timeMs(7, () => saveModelFile(model, join(dir, 'inline.onnx')))],
      ['save, external data >= 1 KiB', timeMs(7, () => saveModelFile(model, join(dir, 'ext.onnx'), { externalDataThresholdBytes: 1024 }))],
      ['load with external data', timeMs(7, () => loadModelFile(join(dir, 'ext.onnx')))],
      ['static shape inference', timeMs(7, () => inferShapes(model, { bindings: { N: 1 } }))],
      ['statistics (no gzip)', timeMs(5, () => modelStats(model))],
    ];
    console.log(`\nMobileNetV2 fixture: ${(fileBytes / MIB).toFixed(2)} MiB, ${model.graph.node.length} nodes, ${model.graph.initializer.length} initializers`);
    console.log('operation                      | median ms |   min ms | MiB/s (median)');
    for (const [name, t] of rows) {
      console.log(`${name.padEnd(30)} | ${t.medianMs.toFixed(1).padStart(9)} | ${t.minMs.toFixed(1).padStart(8)} | ${(fileBytes / MIB / (t.medianMs / 1000)).toFixed(0).padStart(6)}`);
    }
    console.log(`\nExtra memory while loaded: heap+external ${memory.heapExternalX.toFixed(2)}x file size, RSS ${memory.rssX.toFixed(2)}x file size`);
    console.log('(the decoded model keeps the file buffer and views into it: 1.0x is the file itself, the rest is protobuf objects)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
