// The storage stage: every constant tensor takes the smallest form (by measured raw or gzip
// bytes) that the target runtime loads and that holds its values exactly; the graph's
// computation is unchanged, so ORT's outputs should be too (verified in pack-verified.ts).
import type { Model, Tensor } from '../../onnx/model.ts';
import { cloneModel, opsetVersion, setMetadata } from '../../onnx/model.ts';
import { DataType, onnx } from '../../onnx/proto.ts';
import { densifySparse, sparseName, type SparseTensor } from '../../onnx/sparse.ts';
import { uniqueName } from '../../onnx/graph.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { FormCandidate, PackedTensor, PackTarget, StorageForm } from '../../../shared/reports/pack.ts';
import { SHARE_KEY } from '../share/cluster.ts';
import { MASK_KEY } from '../prune/mask.ts';
import { codebookOf, encodeAll, measure, type Encoding } from './forms.ts';
import { findPackables, type Packable } from './packables.ts';
import { formRefusal, opset21Refusal, raiseToOpset21 } from './targets.ts';

export const PACK_KEY = 'whittle.pack';

export interface PackOptions {
  target: PackTarget;
  /** What "smallest" means: gzip bytes (what a download or an OTA update costs) or raw bytes. */
  objective: 'gzip' | 'raw';
  /** Forms that may be used (default: every form); 'unchanged' keeps a tensor as it is. */
  forms?: StorageForm[];
  /** Forms not to use (the fallback after a runtime refused one). */
  exclude?: StorageForm[];
  /** False keeps 4-bit types out of every form (the fallback after a runtime refused them). */
  allow4bit?: boolean;
  /** Tensors with fewer elements stay as they are. */
  minElements?: number;
}

export interface PackResult {
  model: Model;
  tensors: PackedTensor[];
  opset: number;
  /** Why no 4-bit type could be used for this target and model, when none could. */
  fourBitRefused?: string;
  /** Tensors whose storage the target cannot parse, rewritten dense (TensorRT). */
  densified: string[];
}

interface Choice { packable: Packable; chosen: Encoding | undefined; row: PackedTensor }

function currentEncoding(model: Model, p: Packable): Encoding {
  const inits = model.graph.initializer.filter((t) => p.stored.includes(t.name));
  const sparse = (model.graph.sparseInitializer ?? []).filter((s) => p.stored.includes(sparseName(s))) as SparseTensor[];
  const fourBit = inits.some((t) => t.dataType === DataType.UINT4 || t.dataType === DataType.INT4);
  return { form: 'unchanged', initializers: inits, sparse, nodes: p.nodes, needsOpset21: fourBit, ...measure(inits, sparse, p.nodes) };
}

function unchangedRefusal(p: Packable, current: Encoding, target: PackTarget): string | undefined {
  if (target !== 'tensorrt') return undefined;
  if (p.nodes.length > 0 || current.sparse.length > 0 || current.needsOpset21) return 'its current storage is not dense, which TensorRT (Jetson) may not parse';
  return undefined;
}

function describe(best: Encoding, measured: Encoding[], objective: 'gzip' | 'raw'): string {
  const size = (e: Encoding) => (objective === 'gzip' ? e.gzipBytes : e.rawBytes);
  const runnerUp = measured.filter((e) => e !== best).sort((a, b) => size(a) - size(b))[0];
  const vs = runnerUp ? `; next ${runnerUp.form} ${size(runnerUp)} B` : '; the only form allowed';
  return `smallest ${objective} size of ${measured.length} measured forms (${size(best)} B${vs})`;
}

function choose(model: Model, p: Packable, options: PackOptions, opset4bit: string | undefined): Choice {
  const current = currentEncoding(model, p);
  const candidates: FormCandidate[] = [];
  const measured: Encoding[] = [];
  const allow4bit = options.allow4bit !== false && !opset4bit;
  for (const e of [current, ...encodeAll(p, allow4bit)]) {
    const refusal = 'rejected' in e ? e.rejected
      : options.forms && !options.forms.includes(e.form) ? 'not among the forms asked for'
      : options.exclude?.includes(e.form) ? 'ONNX Runtime did not load it in this model (fallback)'
        : e.form === 'unchanged' ? unchangedRefusal(p, current, options.target) : formRefusal(e.form, e.needsOpset21, options.target, opset4bit);
    if (refusal || 'rejected' in e) { candidates.push({ form: e.form, rejected: refusal }); continue; }
    candidates.push({ form: e.form, rawBytes: e.rawBytes, gzipBytes: e.gzipBytes });
    measured.push(e);
  }
  const size = (e: Encoding) => (options.objective === 'gzip' ? e.gzipBytes : e.rawBytes);
  // Ties keep the earlier (simpler) form: encodeAll lists forms in order of preference.
  const best = measured.reduce<Encoding | undefined>((b, e) => (!b || size(e) < size(b) ? e : b), undefined);
  if (!best) throw new WhittleError('pack.no-form', `No storage form can hold tensor '${p.value}' for ${options.target}.`, 'Leave this layer out (raise "Minimum tensor size"), or choose the onnxruntime target.');
  const nonzeros = p.values.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
  const row: PackedTensor = {
    tensor: p.value, layers: p.layers, elements: p.values.length, nonzeros,
    distinctValues: codebookOf(p.values, Infinity)?.length ?? 0,
    form: best.form, rawBytes: best.rawBytes, gzipBytes: best.gzipBytes,
    bitsPerWeight: (best.rawBytes * 8) / p.values.length,
    reason: describe(best, measured, options.objective), candidates,
  };
  return { packable: p, chosen: best.form === 'unchanged' ? undefined : best, row };
}

/** Swap each chosen tensor's old nodes and storage for its new ones. */
function apply(model: Model, choices: Choice[]): void {
  const g = model.graph;
  const changed = choices.filter((c) => c.chosen);
  const dropNodes = new Set(changed.flatMap((c) => c.packable.nodes));
  g.node = g.node.filter((n) => !dropNodes.has(n));
  const used = new Set(g.node.flatMap((n) => n.input));
  for (const o of g.output) used.add(o.name);
  // The value itself is produced anew by its storage nodes; other stored tensors go when nothing reads them.
  const values = new Set(changed.map((c) => c.packable.value));
  const dropStored = new Set(changed.flatMap((c) => [...c.packable.stored, c.packable.value]).filter((n) => values.has(n) || !used.has(n)));
  g.initializer = g.initializer.filter((t) => !dropStored.has(t.name));
  g.sparseInitializer = (g.sparseInitializer ?? []).filter((s) => !dropStored.has(sparseName(s)));
  const added: typeof g.node = [];
  for (const c of changed) {
    const e = c.chosen!;
    const reused = new Set<Tensor>();
    for (const t of [...e.initializers, ...e.sparse.map((s) => s.values!)]) {
      const name = t.name ?? '';
      if (name === c.packable.value) continue;
      // A constant several chains share (e.g. the CumSum axis) is stored once.
      const same = g.initializer.find((x) => x.name === name);
      if (same && sameBytes(same, t as Tensor)) { reused.add(t as Tensor); continue; }
      const fresh = uniqueName(g, name);
      if (fresh !== name) { for (const n of e.nodes) n.input = n.input.map((i) => (i === name ? fresh : i)); t.name = fresh; }
    }
    g.initializer.push(...e.initializers.filter((t) => !reused.has(t)));
    g.sparseInitializer.push(...e.sparse);
    added.push(...e.nodes);
  }
  // Storage nodes read only initializers, so they can lead the graph.
  g.node.unshift(...added);
}

function sameBytes(a: Tensor, b: Tensor): boolean {
  return Buffer.from(onnx.TensorProto.encode(a).finish()).equals(onnx.TensorProto.encode(b).finish());
}

/** TensorRT reads no sparse initializers: densify every one first (the packables see them dense anyway). */
function densifyAllSparse(model: Model): void {
  const g = model.graph;
  g.initializer.push(...(g.sparseInitializer ?? []).map(densifySparse));
  g.sparseInitializer = [];
}

export function packModel(input: Model, options: PackOptions): PackResult {
  const model = cloneModel(input);
  const sparseBefore = new Set((model.graph.sparseInitializer ?? []).map(sparseName));
  if (options.target === 'tensorrt') densifyAllSparse(model);
  const opset4bit = options.target === 'onnxruntime'
    ? opset21Refusal(model) ?? (options.allow4bit === false ? 'ONNX Runtime did not load 4-bit types in this model (fallback)' : undefined)
    : undefined;
  const choices = findPackables(model, options.minElements ?? 16).map((p) => choose(model, p, options, opset4bit));
  apply(model, choices);
  if (choices.some((c) => c.chosen?.needsOpset21)) raiseToOpset21(model);
  if (options.target === 'tensorrt') assertTensorRtForms(model);
  // The share layout and prune mask describe initializers the packed file no longer has.
  model.metadataProps = model.metadataProps.filter((p) => p.key !== SHARE_KEY && p.key !== MASK_KEY);
  // Counts only: each tensor's form is plain in the graph, and every byte shows in a tiny file.
  const forms: Record<string, number> = {};
  for (const c of choices) forms[c.row.form] = (forms[c.row.form] ?? 0) + 1;
  setMetadata(model, PACK_KEY, JSON.stringify({ version: 1, target: options.target, forms }));
  const densified = options.target === 'tensorrt' ? choices.filter((c) => c.packable.nodes.length > 0 || sparseBefore.has(c.row.tensor)).map((c) => c.row.tensor) : [];
  return { model, tensors: choices.map((c) => c.row), opset: opsetVersion(model) ?? 0, densified, ...(opset4bit ? { fourBitRefused: opset4bit } : {}) };
}

/** Names of tensors TensorRT would not parse: 4-bit initializers and sparse initializers. */
export function tensorRtUnsupported(model: Model): string[] {
  return [
    ...model.graph.initializer.filter((t) => t.dataType === DataType.UINT4 || t.dataType === DataType.INT4).map((t) => t.name),
    ...(model.graph.sparseInitializer ?? []).map(sparseName),
  ];
}

function assertTensorRtForms(model: Model): void {
  const bad = tensorRtUnsupported(model);
  if (bad.length > 0) {
    throw new WhittleError('pack.tensorrt-unsupported', `The model packed for TensorRT still holds 4-bit or sparse tensors (${bad.slice(0, 3).join(', ')}), which its parser cannot read.`, 'These tensors are built by ops the storage stage cannot follow; pack for onnxruntime, or re-export the model with dense weights.');
  }
}
