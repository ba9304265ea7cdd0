// The shape of one gradient rule: given a node, the gradients of its outputs (null where no
// gradient arrives) and which inputs need one, emit ONNX nodes and return one gradient per input.
import type { Node } from '../../onnx/model.ts';
import type { Emitter } from './emit.ts';

export interface RuleArgs {
  node: Node;
  /** Gradient value names, one per node output; null when that output does not reach the loss. */
  dY: (string | null)[];
  /** Whether input i depends on a trainable value (a rule may skip work for the others). */
  needs: boolean[];
  e: Emitter;
}

/** One gradient per input of the node: a value name, or null where the input is not differentiable. */
export type GradientRule = (args: RuleArgs) => (string | null)[];

/**
 * The gradient of a composite the rewrite expanded (see decompose.ts), given as one rule: the
 * driver applies it where `output` is produced and hands its gradients to `inputs`, so the
 * expanded nodes are never differentiated one by one.
 */
export interface FusedGradient {
  output: string;
  inputs: string[];
  rule: (dY: string, needs: boolean[], e: Emitter) => (string | null)[];
}
