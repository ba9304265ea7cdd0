// Node colours by operator family, as Netron groups them (layers, activations, pooling,
// normalization, tensor shape), so a graph's structure reads at a glance.
const FAMILIES: [RegExp, string][] = [
  [/^(Input|Output)$/, '#475467'],
  [/^(Conv|ConvTranspose|QLinearConv|ConvInteger|Gemm|MatMul|QLinearMatMul|MatMulInteger|QGemm)$/, '#2f6fde'],
  [/^(Relu|Clip|Sigmoid|Tanh|LeakyRelu|PRelu|HardSigmoid|HardSwish|Gelu|Softmax|LogSoftmax|Elu|Selu)$/, '#c8322d'],
  [/Pool/, '#1f8a4c'],
  [/Normalization|^LRN$/, '#8b5cf6'],
  [/^(QuantizeLinear|DequantizeLinear|DynamicQuantizeLinear|Cast)$/, '#b7791f'],
  [/^(Reshape|Flatten|Transpose|Squeeze|Unsqueeze|Concat|Split|Slice|Gather|Shape|Pad|Resize|Expand|Tile)$/, '#667085'],
];

export function opColor(opType: string): string {
  return FAMILIES.find(([re]) => re.test(opType))?.[1] ?? '#0e7490';
}
