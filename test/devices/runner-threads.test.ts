// Host latency and board profiles measure the same thing on the same machine: both default
// to the same ONNX Runtime thread count (declared once), and every onnxruntime runner on
// the board gets that count on its command line; TensorRT (GPU) takes none.
import { describe, expect, it } from 'vitest';
import { runnerArgv } from '../../src/main/devices/runners.ts';
import { BENCHMARK, RUNTIME_THREADS_PARAM } from '../../src/shared/catalog/benchmark.ts';
import { PROFILE } from '../../src/shared/catalog/profile.ts';
import { ProfileRequest } from '../../src/shared/devices/schema.ts';

const base = { dir: '/tmp/p', precision: 'fp32' as const, sparsity: false, warmupRuns: 10, runs: 100 };

describe('runner thread settings', () => {
  it('host latency, the profile node and the device panel default to the same thread count', () => {
    const host = BENCHMARK.params.threads;
    const board = PROFILE.params.threads;
    expect(host.type === 'number' && host.default).toBe(RUNTIME_THREADS_PARAM.default);
    expect(board.type === 'number' && board.default).toBe(RUNTIME_THREADS_PARAM.default);
    expect(ProfileRequest.parse({ deviceId: 'd', modelPath: '/m.onnx' }).threads).toBe(RUNTIME_THREADS_PARAM.default);
  });

  it('passes the threads to every onnxruntime runner; trtexec gets no CPU thread flag', () => {
    expect(runnerArgv({ kind: 'node-ort', path: '/usr/bin/node', version: '1.30.0' }, { ...base, threads: 4 }).argv.at(-1)).toBe('4');
    expect(runnerArgv({ kind: 'python-ort', path: '/usr/bin/python3', version: '1.19.0' }, { ...base, threads: 0 }).argv.at(-1)).toBe('0');
    const perf = runnerArgv({ kind: 'perf-test', path: '/opt/onnxruntime_perf_test', version: '?' }, { ...base, threads: 2 }).argv;
    expect(perf.slice(perf.indexOf('-x'), perf.indexOf('-x') + 2)).toEqual(['-x', '2']);
    const trt = runnerArgv({ kind: 'trtexec', path: '/usr/src/tensorrt/bin/trtexec', version: '8.6' }, { ...base, threads: 2 }).argv;
    expect(trt.some((a) => a === '-x' || a === '2')).toBe(false);
  });
});
