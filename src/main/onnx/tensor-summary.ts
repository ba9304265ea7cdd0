// What the model view's properties panel says about a constant: the spread of its logical
// values (dequantized for QDQ weights) and the scale / zero point of a quantizer.
import type { QuantParams, WeightStats } from '../../shared/api/models.ts';
import type { Node } from './model.ts';
import { attrInt, type GraphIndex } from './graph.ts';
import { dataTypeName } from './tensor.ts';
import { resolveWeight } from './weights.ts';

/** Values shown per quantizer: a per-channel scale lists its first channels only. */
const SHOWN_CHANNELS = 8;

/** min / max / mean / std (population) / share of exact zeros, in one pass (Welford). */
export function valueStats(values: ArrayLike<number>): WeightStats {
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  let m2 = 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  const count = values.length;
  if (count === 0) return { count, min: 0, max: 0, mean: 0, std: 0, sparsity: 0 };
  return { count, min, max, mean, std: Math.sqrt(m2 / count), sparsity: zeros / count };
}

/** Statistics of the constant behind `value` (initializer, Constant, DequantizeLinear of one...), or undefined. */
export function constantStats(index: GraphIndex, value: string): WeightStats | undefined {
  const weight = resolveWeight(index, value);
  if (!weight) return undefined;
  try {
    return valueStats(weight.values());
  } catch {
    // Statistics are decoration: a tensor whose data cannot be read (external, odd type) shows none.
    return undefined;
  }
}

/** Scale and zero point of a QuantizeLinear / DequantizeLinear whose parameters are constants. */
export function quantParamsOf(index: GraphIndex, node: Node): QuantParams | undefined {
  if (node.opType !== 'QuantizeLinear' && node.opType !== 'DequantizeLinear') return undefined;
  const scale = resolveWeight(index, node.input[1]);
  if (!scale) return undefined;
  const zero = node.input[2] ? resolveWeight(index, node.input[2]) : undefined;
  try {
    const scales = scale.values();
    const zeros = zero?.values();
    // The quantized side: Q's output or DQ's input; its element type comes from the zero point's initializer.
    const zeroTensor = node.input[2] ? index.initializers.get(node.input[2]) : undefined;
    return {
      scale: Array.from(scales.slice(0, SHOWN_CHANNELS)),
      zeroPoint: zeros ? Array.from(zeros.slice(0, SHOWN_CHANNELS)) : [0],
      channels: scales.length,
      ...(scales.length > 1 ? { axis: attrInt(node, 'axis', 1) } : {}),
      ...(zeroTensor ? { quantType: dataTypeName(zeroTensor.dataType).toLowerCase() } : {}),
    };
  } catch {
    return undefined;
  }
}
