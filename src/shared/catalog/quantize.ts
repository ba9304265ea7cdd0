// `quantize`: static int8 QDQ (calibrated), dynamic int8, or fp16; target presets,
// exclusions and an accuracy-aware mode that returns layers to float until a limit holds.
import type { NodeKindSpec } from './types.ts';

const STATIC = { param: 'mode', equals: ['static'] };
const INT4 = { param: 'mode', equals: ['int4'] };

export const QUANTIZE: NodeKindSpec = {
  kind: 'quantize',
  version: 3,
  title: 'Quantize',
  category: 'Compress',
  description: 'Post-training quantization: static int8 in QDQ format placed exactly where ONNX Runtime fuses int8 kernels (checked after writing), dynamic int8 for MatMul/Gemm-heavy models, 4-bit weight-only MatMulNBits for transformers, or fp16. Reports per-layer SQNR, scales and which groups fused. Shared-weight codebooks are quantized as weights (at most k values per layer stay). The result is checked against its input: output SQNR and top-1 agreement (a layer whose int32 bias cannot fit goes back to float), and host latency (slower than the input ends with a warning).',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'A float32 ONNX model.' },
    { name: 'calibration', type: 'dataset', label: 'Calibration data', optional: true, requiredWhen: STATIC, help: 'Samples the static mode calibrates activation ranges on (a few hundred suffice). Needed for static int8.' },
    { name: 'validation', type: 'dataset', label: 'Validation data', optional: true, help: 'Accuracy-aware mode measures the drop here (labels: accuracy; no labels: agreement with fp32). Defaults to the calibration data.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Quantized model' }],
  face: {
    params: [{ param: 'mode' }, { param: 'target', unlessDefault: true }, { param: 'method', unlessDefault: true }],
    metrics: [
      { metric: 'layersInt8', label: 'int8 layers', format: 'integer', of: 'layersTotal' },
      { metric: 'layersFp16', label: 'fp16 layers', format: 'integer', of: 'layersTotal' },
      { metric: 'layersInt4', label: '4-bit layers', format: 'integer', of: 'layersTotal' },
      { metric: 'sizeRatio', label: 'size', format: 'ratio' },
      { metric: 'top1Agreement', label: 'agreement', format: 'percent' },
      { metric: 'outputSqnrDb', label: 'SQNR', format: 'db' },
    ],
  },
  params: {
    mode: {
      type: 'enum', label: 'Mode', default: 'static', help: 'What to quantize and when.',
      options: [
        { value: 'static', label: 'Static int8 (QDQ)', help: 'Weights and activations in int8, activation ranges calibrated on data. Fastest on CPUs and TensorRT.' },
        { value: 'dynamic', label: 'Dynamic int8', help: 'int8 weights, activations quantized at run time; for MLPs, transformers, LSTMs. No data needed.' },
        { value: 'fp16', label: 'float16', help: 'Half-precision weights and activations; inputs and outputs stay fp32.' },
        { value: 'int4', label: '4-bit weights (MatMulNBits)', help: 'MatMul/Gemm weights in 4-bit blocks (ONNX Runtime\'s com.microsoft MatMulNBits), activations float: the standard for transformer weights on ORT. No data needed.' },
      ],
    },
    blockSize: {
      type: 'enum', label: 'Block size', default: '32', visibleWhen: INT4,
      help: 'Weights along K that share one scale: 32 is the most accurate, 128 the smallest file.',
      options: [{ value: '32', label: '32' }, { value: '64', label: '64' }, { value: '128', label: '128' }],
    },
    int4Scheme: {
      type: 'enum', label: '4-bit scheme', default: 'symmetric', visibleWhen: INT4,
      help: 'Symmetric blocks (zero point 8) or a 4-bit zero point per block (fits one-sided weights better, a little larger).',
      options: [{ value: 'symmetric', label: 'Symmetric' }, { value: 'asymmetric', label: 'With zero points' }],
    },
    accuracyLevel: {
      type: 'enum', label: 'Accuracy level', default: '0', advanced: true, visibleWhen: INT4,
      help: 'MatMulNBits accuracy_level: the precision ONNX Runtime computes A in.',
      options: [
        { value: '0', label: 'Unset (ORT decides)' }, { value: '1', label: 'fp32' }, { value: '2', label: 'fp16' },
        { value: '3', label: 'bf16' }, { value: '4', label: 'int8 (fastest on CPUs)' },
      ],
    },
    target: {
      type: 'enum', label: 'Target', default: 'host', visibleWhen: STATIC,
      help: 'Which runtime the int8 types are chosen for.',
      options: [
        { value: 'host', label: 'This computer (detected)' },
        { value: 'x86-vnni', label: 'x86 with VNNI', help: 'uint8 activations x int8 weights.' },
        { value: 'x86-avx2', label: 'x86 AVX2 (no VNNI)', help: '7-bit weights (reduce_range) avoid the U8S8 saturation of AVX2.' },
        { value: 'arm', label: 'ARM (S8S8)', help: 'int8 activations and weights.' },
        { value: 'tensorrt', label: 'TensorRT / Jetson', help: 'Symmetric int8 QDQ, zero points 0.' },
      ],
    },
    method: {
      type: 'enum', label: 'Calibration', default: 'minmax', visibleWhen: STATIC,
      help: 'How activation ranges are chosen from the calibration data.',
      options: [
        { value: 'minmax', label: 'MinMax', help: 'The full observed range; no clipping.' },
        { value: 'percentile', label: 'Percentile', help: 'Clip |x| at a percentile.' },
        { value: 'entropy', label: 'Entropy (KL)', help: 'TensorRT\'s KL-divergence threshold on a 2048-bin histogram; cuts that would saturate more than half the values are skipped (the search\'s degenerate minimum on data away from zero, such as sigmoid gates).' },
        { value: 'mse', label: 'MSE-optimal', help: 'The clip that minimizes the expected squared error.' },
      ],
    },
    percentile: {
      type: 'number', label: 'Percentile', default: 99.999, min: 90, max: 100, step: 0.001, unit: '%',
      help: 'Share of |x| kept inside the range.', visibleWhen: { param: 'method', equals: ['percentile'] },
    },
    perChannel: { type: 'boolean', label: 'Per-channel weights', default: true, help: 'One scale per output channel (better accuracy, same speed).', visibleWhen: { param: 'mode', equals: ['static', 'dynamic'] } },
    activationType: {
      type: 'enum', label: 'Activation type', default: 'preset', advanced: true, visibleWhen: STATIC,
      help: 'Override the target preset.', options: [{ value: 'preset', label: 'From target' }, { value: 'uint8', label: 'uint8' }, { value: 'int8', label: 'int8' }],
    },
    activationScheme: {
      type: 'enum', label: 'Activation scheme', default: 'preset', advanced: true, visibleWhen: STATIC,
      help: 'Asymmetric ranges use all levels on one-sided data (after ReLU); symmetric keeps zero point 0 (int8).',
      options: [{ value: 'preset', label: 'From target' }, { value: 'asymmetric', label: 'Asymmetric' }, { value: 'symmetric', label: 'Symmetric' }],
    },
    reduceRange: {
      type: 'enum', label: '7-bit weights', default: 'preset', advanced: true, visibleWhen: { param: 'mode', equals: ['static', 'dynamic'] },
      help: 'reduce_range: 7-bit weights avoid saturation on AVX2 CPUs without VNNI.',
      options: [{ value: 'preset', label: 'From target' }, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }],
    },
    calibrationSamples: { type: 'number', label: 'Calibration samples', default: 256, min: 1, max: 100000, integer: true, visibleWhen: STATIC, help: 'Samples of the calibration data used.' },
    histogramValues: {
      type: 'enum', label: 'Histogram values', default: 'sampled', advanced: true,
      help: 'What the calibration histograms are built from. Calibration took 1.3-2.4x the plain forward passes sampled, 4-11x binning every value (npm run bench quantize, two CPUs).',
      options: [
        { value: 'sampled', label: 'Sampled (faster)', help: 'About 8,192 values per sample of each activation, from every channel, with its exact range. Int8 output SQNR measured within 0.7 dB of every value on six networks (npm run bench quantize).' },
        { value: 'all', label: 'Every value', help: 'Exact histograms: every activation value is binned.' },
      ],
      visibleWhen: { param: 'method', equals: ['percentile', 'entropy', 'mse'] },
    },
    excludeNodes: { type: 'string-list', label: 'Keep in float (nodes)', default: [], placeholder: '/c1/Conv', help: 'Node names left in float (fp16 mode: kept in fp32).' },
    excludeOpTypes: { type: 'string-list', label: 'Keep in float (op types)', default: [], placeholder: 'Gemm', help: 'Operator types left in float (fp16 mode: kept in fp32).' },
    excludeFirst: { type: 'boolean', label: 'Keep first layer in float', default: false, help: 'The first Conv/Gemm/MatMul is often the most sensitive.', visibleWhen: { param: 'mode', equals: ['static', 'dynamic', 'int4'] } },
    excludeLast: { type: 'boolean', label: 'Keep last layer in float', default: false, help: 'The classifier layer.', visibleWhen: { param: 'mode', equals: ['static', 'dynamic', 'int4'] } },
    accuracyAware: { type: 'boolean', label: 'Accuracy-aware', default: false, visibleWhen: STATIC, help: 'Return the layers that hurt most to float, one at a time, until the drop is within the limit.' },
    maxDrop: {
      type: 'number', label: 'Max accuracy drop', default: 0.5, min: 0, max: 100, step: 0.05, unit: 'points',
      help: 'Absolute drop in accuracy (with labels) or in agreement with fp32 (without), in percentage points.',
      visibleWhen: { param: 'accuracyAware', equals: [true] },
    },
    ranking: {
      type: 'enum', label: 'Rank layers by', default: 'auto', advanced: true,
      help: 'How accuracy-aware mode finds the layers that hurt most.',
      options: [
        { value: 'auto', label: 'Automatic', help: 'Trials up to 16 layers, SQNR beyond.' },
        { value: 'trial', label: 'One-layer-in-float trials', help: 'Re-evaluate with each layer alone in float (exact, one evaluation per layer).' },
        { value: 'sqnr', label: 'Per-layer SQNR', help: 'Noise each layer adds to its output (one pass, fast on big models).' },
      ],
      visibleWhen: { param: 'accuracyAware', equals: [true] },
    },
  },
};
