// A small vision transformer laid out the way PyTorch exports one (patch Conv, class token
// expanded over the batch with a Shape chain, pre-norm blocks of LayerNormalization, MatMul
// attention with Softmax, GELU through Erf), for distillation students and tests.
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../model.ts';
import { GraphBuilder } from './graph-builder.ts';

export interface VitOptions {
  /** Image sample shape [C, H, W]; default MNIST [1, 28, 28]. */
  inputShape?: number[];
  /** Square patch side; H and W must be multiples of it. Default 7. */
  patch?: number;
  /** Token width. Default 32. */
  dim?: number;
  /** Transformer blocks. Default 2. */
  depth?: number;
  /** Attention heads; must divide dim. Default 2. */
  heads?: number;
  /** MLP hidden width. Default 2 * dim. */
  mlp?: number;
  classes?: number;
  seed?: number;
}

interface Shape { tokens: number; dim: number; heads: number }

/** Gaussian weights of std 1/sqrt(fanIn) (a linear layer's usual start), zero bias. */
function linear(b: GraphBuilder, x: string, inF: number, outF: number, prefix: string): string {
  const std = 1 / Math.sqrt(inF);
  const w = b.addInitializer(`${prefix}.weight`, [inF, outF], Float32Array.from({ length: inF * outF }, () => b.gaussian() * std));
  const bias = b.addInitializer(`${prefix}.bias`, [outF], new Float32Array(outF));
  return b.op('Add', [b.op('MatMul', [x, w], [`${prefix}.mm`], undefined, `${prefix}/MatMul`), bias], [`${prefix}.out`], undefined, `${prefix}/Add`);
}

function layerNorm(b: GraphBuilder, x: string, dim: number, prefix: string): string {
  const scale = b.addInitializer(`${prefix}.weight`, [dim], new Float32Array(dim).fill(1));
  const bias = b.addInitializer(`${prefix}.bias`, [dim], new Float32Array(dim));
  return b.op('LayerNormalization', [x, scale, bias], [`${prefix}.out`], { axis: -1, epsilon: 1e-5 }, prefix);
}

function ensureConst(b: GraphBuilder, name: string, values: number[], int64 = false): string {
  if (!b.initializers.some((t) => t.name === name)) {
    if (int64) b.addInt64Initializer(name, [values.length], values);
    else b.addInitializer(name, [], values);
  }
  return name;
}

/** GELU as exported before opset 20: x * 0.5 * (1 + erf(x / sqrt 2)). */
function gelu(b: GraphBuilder, x: string, prefix: string): string {
  const d = b.op('Div', [x, ensureConst(b, 'gelu.sqrt2', [Math.SQRT2])], [`${prefix}.div`], undefined, `${prefix}/Div`);
  const e = b.op('Erf', [d], [`${prefix}.erf`], undefined, `${prefix}/Erf`);
  const a = b.op('Add', [e, ensureConst(b, 'gelu.one', [1])], [`${prefix}.add`], undefined, `${prefix}/Add`);
  const m = b.op('Mul', [x, a], [`${prefix}.mul`], undefined, `${prefix}/Mul`);
  return b.op('Mul', [m, ensureConst(b, 'gelu.half', [0.5])], [`${prefix}.out`], undefined, `${prefix}/Mul_1`);
}

function attention(b: GraphBuilder, x: string, s: Shape, prefix: string): string {
  const headDim = s.dim / s.heads;
  const qkv = linear(b, x, s.dim, 3 * s.dim, `${prefix}.qkv`);
  const split = b.op('Reshape', [qkv, b.addInt64Initializer(`${prefix}.qkv_shape`, [5], [0, s.tokens, 3, s.heads, headDim])], [`${prefix}.qkv5`], undefined, `${prefix}/Reshape`);
  const perm = b.op('Transpose', [split], [`${prefix}.qkvT`], { perm: [2, 0, 3, 1, 4] }, `${prefix}/Transpose`);
  const parts = ['q', 'k', 'v'].map((p) => `${prefix}.${p}3`);
  b.op('Split', [perm, ensureConst(b, 'vit.split3', [1, 1, 1], true)], parts, { axis: 0 }, `${prefix}/Split`);
  const axis0 = ensureConst(b, 'vit.axis0', [0], true);
  const [q, k, v] = ['q', 'k', 'v'].map((p, i) => b.op('Squeeze', [parts[i], axis0], [`${prefix}.${p}`], undefined, `${prefix}/Squeeze_${p}`));
  const kT = b.op('Transpose', [k], [`${prefix}.kT`], { perm: [0, 1, 3, 2] }, `${prefix}/Transpose_k`);
  const raw = b.op('MatMul', [q, kT], [`${prefix}.scores`], undefined, `${prefix}/MatMul_scores`);
  const scaled = b.op('Mul', [raw, b.addInitializer(`${prefix}.scale`, [], [1 / Math.sqrt(headDim)])], [`${prefix}.scaled`], undefined, `${prefix}/Mul_scale`);
  const att = b.op('Softmax', [scaled], [`${prefix}.att`], { axis: -1 }, `${prefix}/Softmax`);
  const mixed = b.op('MatMul', [att, v], [`${prefix}.mixed`], undefined, `${prefix}/MatMul_mix`);
  const back = b.op('Transpose', [mixed], [`${prefix}.mixedT`], { perm: [0, 2, 1, 3] }, `${prefix}/Transpose_out`);
  const merged = b.op('Reshape', [back, b.addInt64Initializer(`${prefix}.merge_shape`, [3], [0, s.tokens, s.dim])], [`${prefix}.merged`], undefined, `${prefix}/Reshape_out`);
  return linear(b, merged, s.dim, s.dim, `${prefix}.proj`);
}

function block(b: GraphBuilder, x: string, s: Shape, mlp: number, prefix: string): string {
  const h = b.op('Add', [x, attention(b, layerNorm(b, x, s.dim, `${prefix}.norm1`), s, `${prefix}.attn`)], [`${prefix}.res1`], undefined, `${prefix}/Add_1`);
  const hidden = gelu(b, linear(b, layerNorm(b, h, s.dim, `${prefix}.norm2`), s.dim, mlp, `${prefix}.fc1`), `${prefix}.gelu`);
  return b.op('Add', [h, linear(b, hidden, mlp, s.dim, `${prefix}.fc2`)], [`${prefix}.res2`], undefined, `${prefix}/Add_2`);
}

/** Patch embedding and the class token expanded to the batch (Shape -> Slice -> Concat -> Expand). */
function embed(b: GraphBuilder, inputShape: number[], patch: number, s: Shape): string {
  const [, h, w] = inputShape;
  const [conv] = b.conv('input', inputShape, { outChannels: s.dim, kernel: patch, stride: patch }, 'embed');
  const flat = b.op('Reshape', [conv, b.addInt64Initializer('embed.flat_shape', [3], [0, s.dim, (h / patch) * (w / patch)])], ['embed.flat'], undefined, 'embed/Reshape');
  const tokens = b.op('Transpose', [flat], ['embed.tokens'], { perm: [0, 2, 1] }, 'embed/Transpose');
  const cls = b.addInitializer('cls', [1, 1, s.dim], Float32Array.from({ length: s.dim }, () => b.gaussian() * 0.02));
  const shape = b.op('Shape', ['input'], ['cls.in_shape'], undefined, 'cls/Shape');
  const batch = b.op('Slice', [shape, ensureConst(b, 'vit.axis0', [0], true), b.addInt64Initializer('cls.one', [1], [1])], ['cls.batch'], undefined, 'cls/Slice');
  const target = b.op('Concat', [batch, b.addInt64Initializer('cls.rest', [2], [1, s.dim])], ['cls.shape'], { axis: 0 }, 'cls/Concat');
  const expanded = b.op('Expand', [cls, target], ['cls.expanded'], undefined, 'cls/Expand');
  const joined = b.op('Concat', [expanded, tokens], ['embed.joined'], { axis: 1 }, 'embed/Concat');
  const pos = b.addInitializer('pos', [1, s.tokens, s.dim], Float32Array.from({ length: s.tokens * s.dim }, () => b.gaussian() * 0.02));
  return b.op('Add', [joined, pos], ['embed.with_pos'], undefined, 'embed/Add_pos');
}

export function buildVit(options: VitOptions = {}): Model {
  const inputShape = options.inputShape ?? [1, 28, 28];
  const patch = options.patch ?? 7;
  const dim = options.dim ?? 32;
  const heads = options.heads ?? 2;
  const depth = options.depth ?? 2;
  const classes = options.classes ?? 10;
  const mlp = options.mlp ?? 2 * dim;
  const [, h, w] = inputShape;
  if (inputShape.length !== 3 || h % patch !== 0 || w % patch !== 0 || dim % heads !== 0 || depth < 1) {
    throw new WhittleError(
      'builder.bad-options',
      `A ViT needs a [C, H, W] input divisible into ${patch}x${patch} patches and heads dividing the width (got input [${inputShape.join(', ')}], dim ${dim}, heads ${heads}, depth ${depth}).`,
      'Use e.g. input [1, 28, 28], patch 7, dim 32, heads 2, depth 2.',
    );
  }
  const b = new GraphBuilder(options.seed ?? 0);
  const s: Shape = { tokens: (h / patch) * (w / patch) + 1, dim, heads };
  let x = embed(b, inputShape, patch, s);
  for (let i = 0; i < depth; i++) x = block(b, x, s, mlp, `blocks.${i}`);
  x = layerNorm(b, x, dim, 'norm');
  const clsOut = b.op('Gather', [x, b.addInt64Initializer('head.cls_index', [], [0])], ['head.cls'], { axis: 1 }, 'head/Gather');
  b.gemm(clsOut, dim, classes, 'head');
  return b.finish(inputShape, classes, `ViT patch ${patch}, dim ${dim}, depth ${depth}, heads ${heads}, MLP ${mlp}`, 'vit');
}
