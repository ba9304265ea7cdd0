// The calibration session, minus the copies ONNX Runtime makes only so the range reductions can
// read a value. ORT runs a model's convolutions in MLAS's blocked-channel (NCHWc) layout and copies
// a value back to NCHW (ReorderOutput) before any operator that does not know that layout, such as
// ReduceMin. A per-sample reduction reads each sample whole, so it gives the same result over the
// blocked layout as over NCHW, as long as the layout pads no channels. ORT writes the graph it
// runs, reorders included (optimizedModelFilePath); the reductions are rewired to read the blocked
// value itself, and the session that calibrates runs that graph.
//
// EfficientNet-B0-style, batch 16, ORT's profiler: the copies took 275 ms of the 480 ms per 64
// samples that calibration added to 788 ms of forward passes; 115 of its 168 copies go.
// MobileNetV2: 62 of 63.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attrInt, GraphIndex } from '../../onnx/graph.ts';
import { decodeModel, encodeModel, type Model, type Node } from '../../onnx/model.ts';
import { NCHWC_DOMAIN, nchwcBlockSize } from '../../runtime/nchwc.ts';
import { createSession, type ort } from '../../runtime/session.ts';
import type { CalibrationGraph } from './calibration-graph.ts';

export interface CalibrationSession {
  session: ort.InferenceSession;
  /** Releases the session (and deletes the folder holding the graph it was made from, where that had to wait). */
  release(): Promise<void>;
  /** ORT's copies back to NCHW the session skips: 0 where it runs the calibration graph as it is. */
  copiesDropped: number;
}

/**
 * A session for the calibration graph, on ORT's own graph with the reductions reading blocked
 * values where they can. ORT writes that graph with the weights in a file beside it, so only the
 * graph (70 KB for EfficientNet-B0-style) is decoded and written again, and the session is made
 * from the folder. A first session that never runs (no weight prepacking) and a second that loads
 * an optimized graph cost one plain session and 0.1-0.2 s more (EfficientNet-B0-style: 0.36-0.42 s
 * against 0.17-0.24 s), which the calibration loop repays within three batches of 16 samples.
 */
export async function calibrationSession(graph: CalibrationGraph): Promise<CalibrationSession> {
  const bytes = encodeModel(graph.model);
  const plain = async (): Promise<CalibrationSession> => {
    const session = await createSession(bytes, { optimization: 'all' });
    return { session, release: () => session.release(), copiesDropped: 0 };
  };
  const block = await nchwcBlockSize();
  if (block === 0 || !graph.model.graph.node.some((n) => n.opType === 'Conv')) return plain();
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'whittle-calibration-'));
  } catch {
    return plain();
  }
  try {
    const written = join(dir, 'ort.onnx');
    const first = await createSession(bytes, {
      optimization: 'all',
      optimizedModelPath: written,
      sessionConfig: { optimized_model_external_initializers_file_name: 'weights.bin', optimized_model_external_initializers_min_size_in_bytes: '1024', disable_prepacking: '1' },
    });
    await first.release();
    const runs = decodeModel(readFileSync(written));
    const copiesDropped = readBlockedValues(runs, graph.perSample, block);
    const rewired = copiesDropped > 0 ? join(dir, 'calibration.onnx') : written;
    if (rewired !== written) writeFileSync(rewired, encodeModel(runs));
    // No optimization: the graph is ORT's own optimized graph, and its passes would only find the
    // rewired reductions again (EfficientNet-B0-style: 60-65 ms to create against 81-102 at 'basic', the same outputs, bit for bit).
    const session = await createSession(rewired, { optimization: 'disabled' });
    // The session holds the weights now (read, or mapped: a mapped file stays readable once
    // unlinked), so the folder goes at once: a calibration killed from here on leaves nothing
    // behind. Windows refuses to delete a mapped file: there it goes when the session is released.
    const gone = tryRemove(dir);
    return { session, release: async () => { await session.release(); if (!gone) tryRemove(dir); }, copiesDropped };
  } catch {
    // ORT could not write its graph (a full or read-only temporary folder), or read it back: calibrate on the plain session.
    tryRemove(dir);
    return plain();
  }
}

function tryRemove(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Rewires per-sample reductions (`perSample` names their outputs) that read a ReorderOutput to its
 * blocked input when the layout pads no channels (the padding would be read as values: a
 * Sigmoid's pads hold 0.5), and drops copies nothing else reads. Leaves go last, latest value
 * first, as withRangeOutputs places them: ORT then runs each reduction right after its value.
 * Returns the number of copies dropped.
 */
export function readBlockedValues(model: Model, perSample: ReadonlySet<string>, block: number): number {
  const nodes = model.graph.node;
  const index = new GraphIndex(model.graph);
  const dropped = new Set<Node>();
  for (const n of nodes) {
    if (n.opType !== 'ReorderOutput' || n.domain !== NCHWC_DOMAIN || index.outputs.has(n.output[0])) continue;
    const channels = attrInt(n, 'channels', 0);
    const reads = index.consumersOf(n.output[0]);
    if (channels <= 0 || channels % block !== 0 || reads.length === 0 || !reads.every((r) => perSample.has(r.output[0]))) continue;
    for (const r of reads) r.input[0] = n.input[0];
    dropped.add(n);
  }
  if (dropped.size === 0) return 0;
  const kept = nodes.filter((n) => !dropped.has(n));
  const read = new Set(kept.flatMap((n) => n.input));
  const isLeaf = (n: Node): boolean => n.output.every((o) => !read.has(o));
  // ORT writes its graph in execution order; reversed, the leaves of the latest value come first.
  model.graph.node = [...kept.filter((n) => !isLeaf(n)), ...kept.filter(isLeaf).reverse()];
  return dropped.size;
}
