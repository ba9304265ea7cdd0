// Reverse-mode differentiation of an ONNX graph into ONNX gradient nodes: one rule table,
// one driver walking the nodes in reverse topological order and summing gradients that meet.
import type { Node } from '../../onnx/model.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { FusedGradient, GradientRule } from './rule.ts';
import type { Emitter } from './emit.ts';
import { ELEMENTWISE_RULES } from './rules-elementwise.ts';
import { CONV_RULES } from './rules-conv.ts';
import { SHAPE_RULES } from './rules-shape.ts';
import { TRANSFORMER_RULES } from './rules-transformer.ts';

/** The rule table: one entry per primitive op type. Composites are rewritten first (decompose.ts). */
export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  ...ELEMENTWISE_RULES, ...CONV_RULES, ...SHAPE_RULES, ...TRANSFORMER_RULES,
};

/**
 * Emit gradient nodes of `loss` with respect to each of `wrt` into `e`.
 * `nodes` are the forward nodes in topological order. Returns the gradient value of every
 * `wrt` entry that the loss depends on (others are absent).
 */
export function differentiate(nodes: Node[], loss: string, wrt: string[], e: Emitter, fused: ReadonlyMap<string, FusedGradient> = new Map()): Map<string, string> {
  const needs = new Set(wrt);
  for (const node of nodes) {
    if (node.input.some((i) => needs.has(i))) for (const o of node.output) if (o) needs.add(o);
  }
  const pending = new Map<string, string[]>();
  const seedShape = e.shape(loss);
  pending.set(loss, [e.constF(new Float32Array(seedShape.reduce((a, b) => a * b, 1)).fill(1), seedShape)]);
  const total = (value: string): string | null => {
    const parts = pending.get(value);
    if (!parts || parts.length === 0) return null;
    const sum = parts.length === 1 ? parts[0] : e.op1('Sum', parts);
    pending.set(value, [sum]);
    return sum;
  };
  const collect = (inputs: string[], grads: (string | null)[], inputNeeds: boolean[]) => inputs.forEach((input, i) => {
    const g = grads[i];
    if (!g || !inputNeeds[i]) return;
    const list = pending.get(input);
    if (list) list.push(g);
    else pending.set(input, [g]);
  });
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    const region = fused.get(node.output[0]);
    if (region) {
      const dy = total(region.output);
      const regionNeeds = region.inputs.map((i) => i !== '' && needs.has(i));
      if (dy && regionNeeds.some(Boolean)) collect(region.inputs, region.rule(dy, regionNeeds, e), regionNeeds);
      continue;
    }
    const inputNeeds = node.input.map((i) => i !== '' && needs.has(i));
    if (!inputNeeds.some(Boolean)) continue;
    const dY = node.output.map((o) => (o ? total(o) : null));
    if (dY.every((g) => g === null)) continue;
    const rule = GRADIENT_RULES[node.opType];
    if (!rule || (node.domain && node.domain !== 'ai.onnx')) {
      throw new WhittleError(
        'train.no-gradient-rule',
        `Whittle cannot train through op ${node.opType} (node '${node.name || node.output[0]}'): it has no gradient rule.`,
        'Freeze the layers before it, or replace the op with a supported one (see the train node help).',
      );
    }
    collect(node.input, rule({ node, dY, needs: inputNeeds, e }), inputNeeds);
  }
  const result = new Map<string, string>();
  for (const w of wrt) {
    const g = total(w);
    if (g) result.set(w, g);
  }
  return result;
}
