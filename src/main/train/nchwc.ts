// Convs of the training graph on MLAS's blocked-channel (NCHWc) kernels. ONNX Runtime only moves a
// Conv to NCHWc when its weight is a constant initializer, and a training graph feeds every
// weight (and every input-gradient kernel) at run time, so each Conv ran as im2col + SGEMM.
// ORT's own com.microsoft.nchwc ops take any weight once it is in their OIHWBiBo order, which a
// Reshape + Transpose of the weight gives every step for a few microseconds.
import { attrInt, GraphIndex, makeNode } from '../onnx/graph.ts';
import type { Model, Node, Tensor } from '../onnx/model.ts';
import { int64Tensor } from '../onnx/tensor.ts';
import { NCHWC_DOMAIN } from '../runtime/nchwc.ts';
import { onnx } from '../onnx/proto.ts';

/**
 * Convs that gain: 2-D, output channels in whole blocks, a window wider than 1x1, and input
 * channels in whole blocks (ungrouped), depthwise, or fewer than a block (a stem: MLAS reads its
 * NCHW input directly and writes NCHWc). (Measured at batch 64, 1 thread, both reorders included:
 * 3x3 convs of 16-64 channels ran 1.3-1.6x faster, depthwise 3x3 ones 1.3-2.3x; 1x1 convs, which
 * ORT runs as one plain GEMM, ran slower, and so did 1-3 channel stems while their output went
 * back to NCHW: useNchwcConvs blocks a stem only where its output stays blocked.)
 */
function blockedForm(node: Node, w: number[] | undefined, block: number): 'dense' | 'depthwise' | 'stem' | undefined {
  if (node.opType !== 'Conv' || (node.domain ?? '') !== '' || !w || w.length !== 4) return undefined;
  const [outC, inC, kh, kw] = w;
  const group = attrInt(node, 'group', 1);
  if (outC % block !== 0 || kh * kw === 1) return undefined;
  if (group === 1 && inC % block === 0) return 'dense';
  if (group === 1 && inC < block) return 'stem';
  return group === outC && inC === 1 ? 'depthwise' : undefined;
}

/** Whether `useNchwcConvs` runs this Conv (weight dims `w`) on NCHWc kernels at channel block `block`. */
export function runsBlocked(node: Node, w: number[] | undefined, block: number): boolean {
  return block >= 4 && blockedForm(node, w, block) !== undefined;
}

/**
 * Nodes giving a depthwise kernel [O, 1, kh, kw] in MLAS's OIHWBo order from an NCHW activation
 * [n, c, kh, kw] with n * c = O and c in whole blocks: its NCHWc reorder is that order already.
 * (MobileNetV2's dW kernels are dY maps: ORT's Transpose to OIHWBo moved them float by float, 2 ms
 * for 74 K floats of 2x2 maps, a tenth of a step at 2 threads.)
 */
function reorderedKernel(tag: string, source: string, plainShape: string): Node[] {
  return [
    makeNode('ReorderInput', [source], [`${tag}/wr`], { name: `${tag}/wr`, domain: NCHWC_DOMAIN }),
    makeNode('Reshape', [`${tag}/wr`, plainShape], [`${tag}/w`], { name: `${tag}/w` }),
  ];
}

const isNchwc = (n: Node, op: string) => n.opType === op && n.domain === NCHWC_DOMAIN && attrInt(n, 'channels_last', 0) === 0;

/**
 * Rewrite the gaining Convs of `model` in place; `shapeOf` gives weight shapes (graph inputs,
 * computed kernels); `kernelSources` names depthwise kernels computed from whole-block activations.
 * A stem Conv is rewritten only where NCHWc ReorderInputs alone read its output (the blocked
 * BatchNorm's, which joinReorders then drops).
 */
export function useNchwcConvs(model: Model, shapeOf: (name: string) => number[] | undefined, block: number, kernelSources: ReadonlyMap<string, string> = new Map()): number {
  if (block < 4) return 0;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const index = new GraphIndex(model.graph);
  const staysBlocked = (v: string) => !index.outputs.has(v) && index.consumersOf(v).every((n) => isNchwc(n, 'ReorderInput'));
  let rewritten = 0;
  for (const node of model.graph.node) {
    const w = shapeOf(node.input[1]);
    const form = blockedForm(node, w, block);
    if (!form || !w || (form === 'stem' && !staysBlocked(node.output[0]))) { nodes.push(node); continue; }
    const tag = `${node.name || node.output[0]}/nchwc`;
    const [outC, inC, kh, kw] = w;
    const blocked = `${tag}/blocked_shape`;
    const plain = `${tag}/weight_shape`;
    // OIHW -> [O/B][I/B][H][W][Bi][Bo] (MLAS's OIHWBiBo), or [O/B][I][H][W][Bo] for depthwise (I = 1) and stems (OIHWBo)
    const [split, perm] = form === 'dense'
      ? [[outC / block, block, inC / block, block, kh, kw], [0, 2, 4, 5, 3, 1]]
      : [[outC / block, block, inC, kh, kw], [0, 2, 3, 4, 1]];
    const source = form === 'depthwise' ? kernelSources.get(node.input[1]) : undefined;
    inits.push(...(source ? [] : [int64Tensor(blocked, [split.length], split)]), int64Tensor(plain, [4], w));
    const conv = makeNode('Conv', [form === 'stem' ? node.input[0] : `${tag}/x`, `${tag}/w`, ...node.input.slice(2)], [`${tag}/y`], { name: `${tag}/conv`, domain: NCHWC_DOMAIN });
    conv.attribute = node.attribute;
    nodes.push(
      ...(source ? reorderedKernel(tag, source, plain) : [
        makeNode('Reshape', [node.input[1], blocked], [`${tag}/ws`], { name: `${tag}/ws` }),
        makeNode('Transpose', [`${tag}/ws`], [`${tag}/wt`], { name: `${tag}/wt`, attrs: { perm } }),
        makeNode('Reshape', [`${tag}/wt`, plain], [`${tag}/w`], { name: `${tag}/w` }),
      ]),
      ...(form === 'stem' ? [] : [makeNode('ReorderInput', [node.input[0]], [`${tag}/x`], { name: `${tag}/x`, domain: NCHWC_DOMAIN })]),
      conv,
      makeNode('ReorderOutput', [`${tag}/y`], [node.output[0]], { name: `${tag}/out`, domain: NCHWC_DOMAIN, attrs: { channels: outC } }),
    );
    rewritten++;
  }
  if (rewritten === 0) return 0;
  model.graph.node = nodes;
  model.graph.initializer.push(...inits);
  if (!model.opsetImport.some((o) => o.domain === NCHWC_DOMAIN)) model.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: NCHWC_DOMAIN, version: 1 }));
  return rewritten;
}

/**
 * Drops every ReorderInput of a ReorderOutput's result where the channels fill whole blocks (the
 * pair gives back the blocked value it started from), then the ReorderOutputs nothing reads any
 * more. The blocked BatchNorm (autodiff/batchnorm-blocked.ts) takes and gives NCHW values next to
 * the NCHWc Convs' own reorders; this joins them, so the blocked values flow between the Convs
 * and the BatchNorm arithmetic without a copy back to NCHW and in again. Call it once the graph
 * outputs are set. Returns how many reorders went.
 */
export function joinReorders(model: Model, block: number): number {
  if (block < 4) return 0;
  const nodes = model.graph.node;
  const { producer, outputs } = new GraphIndex(model.graph);
  const renamed = new Map<string, string>();
  const kept: Node[] = [];
  for (const n of nodes) {
    const source = isNchwc(n, 'ReorderInput') && !outputs.has(n.output[0]) ? producer.get(n.input[0]) : undefined;
    if (source && isNchwc(source, 'ReorderOutput') && attrInt(source, 'channels', 0) % block === 0) {
      renamed.set(n.output[0], source.input[0]);
      continue;
    }
    kept.push(n);
  }
  if (renamed.size === 0) return 0;
  for (const n of kept) n.input = n.input.map((i) => renamed.get(i) ?? i);
  const read = new Set([...kept.flatMap((n) => n.input), ...outputs]);
  model.graph.node = kept.filter((n) => !isNchwc(n, 'ReorderOutput') || read.has(n.output[0]));
  return nodes.length - model.graph.node.length;
}
