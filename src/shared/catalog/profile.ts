// `profile`: measure the incoming model on a board from the device registry (over SSH),
// with the runner the board has; the result travels on as a ProfileResult.
import { RUNTIME_THREADS_PARAM } from './benchmark.ts';
import type { NodeKindSpec } from './types.ts';

export const PROFILE: NodeKindSpec = {
  kind: 'profile',
  version: 1,
  title: 'Profile on board',
  category: 'Device',
  keywords: ['latency', 'board', 'jetson', 'power', 'memory', 'tensorrt'],
  description: 'Uploads the model to a board over SFTP, runs it with the best runner the board has (TensorRT trtexec, onnxruntime_perf_test, python3 + onnxruntime, node + onnxruntime-node) and measures latency percentiles, throughput, peak memory and, on a Jetson, power. The board is referenced by id: no host, user or secret is stored in the pipeline.',
  inputs: [{ name: 'model', type: 'model', label: 'Model' }],
  outputs: [{ name: 'profile', type: 'profile', label: 'Profile', help: 'The ProfileResult: latency mean/p50/p90/p95/p99, throughput, peak memory, power and energy where the board reports them.' }],
  // A measurement on hardware is not a pure function of its inputs: run it every time.
  cache: false,
  face: {
    params: [{ param: 'runner', unlessDefault: true }, { param: 'precision', unlessDefault: true }],
    metrics: [
      { metric: 'p50Ms', label: 'p50', format: 'ms' },
      { metric: 'board', label: 'on', format: 'text' },
      { metric: 'avgPowerMw', label: 'power', format: 'integer' },
      { metric: 'p90Ms', label: 'p90', format: 'ms' },
    ],
  },
  params: {
    device: { type: 'device', label: 'Board', default: '', help: 'A board added in the device panel (its host key pinned). In pipelines run by the CLI or the browser host, the board must use an SSH agent or a key file without a passphrase.' },
    runner: {
      type: 'enum', label: 'Runner', default: 'auto',
      options: [
        { value: 'auto', label: 'Best available', help: 'trtexec, then onnxruntime_perf_test, then python3 + onnxruntime, then node + onnxruntime-node.' },
        { value: 'trtexec', label: 'TensorRT trtexec' },
        { value: 'perf-test', label: 'onnxruntime_perf_test' },
        { value: 'python-ort', label: 'python3 + onnxruntime' },
        { value: 'node-ort', label: 'node + onnxruntime-node' },
      ],
      help: 'Which program runs the model on the board.',
    },
    precision: {
      type: 'enum', label: 'Precision', default: 'fp32',
      options: [
        { value: 'fp32', label: 'FP32' }, { value: 'fp16', label: 'FP16 (trtexec --fp16)' },
        { value: 'int8', label: 'INT8 (trtexec --int8)' }, { value: 'best', label: 'Best (trtexec --best)' },
      ],
      help: 'TensorRT precision flags. onnxruntime runners run the model as it is (a quantized model runs in int8).',
    },
    sparsity: { type: 'boolean', label: '2:4 sparsity', default: false, help: 'trtexec --sparsity=enable: use sparse tensor cores for 2:4-pruned weights (Ampere and newer, e.g. Orin).' },
    warmupRuns: { type: 'number', label: 'Warm-up runs', default: 10, min: 0, max: 10_000, integer: true, help: 'Untimed runs first (trtexec warms up for about 10 ms per run, at least 200 ms).' },
    runs: { type: 'number', label: 'Timed runs', default: 200, min: 1, max: 100_000, integer: true, help: 'Timed runs; p99 wants at least 100.' },
    threads: { ...RUNTIME_THREADS_PARAM, help: `${RUNTIME_THREADS_PARAM.help} onnxruntime runners only (trtexec runs on the GPU).` },
  },
};
