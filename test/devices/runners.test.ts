// Runner plans and outputs: the argv each runner gets (user paths stay single arguments),
// and captured outputs turned into the figures of a ProfileResult.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunnerOutput, runnerArgv } from '../../src/main/devices/runners.ts';
import { remoteSh, PROFILE_SCRIPT } from '../../src/main/devices/remoteScripts.ts';
import { execFileSync, spawn } from 'node:child_process';

const capture = (name: string) => readFileSync(join(import.meta.dirname, 'captures', name), 'utf8');
const base = { dir: '/tmp/whittle-profile.abc', precision: 'fp32' as const, sparsity: false, warmupRuns: 5, runs: 50 };

describe('runner plans', () => {
  it('gives each runner its argv, with warnings where flags do not apply', () => {
    expect(runnerArgv({ kind: 'perf-test', path: '/opt/ort/onnxruntime_perf_test', version: 'unknown' }, base).argv)
      .toEqual(['/opt/ort/onnxruntime_perf_test', '-I', '-m', 'times', '-r', '50', '-x', '1', '/tmp/whittle-profile.abc/model.onnx']);
    const py = runnerArgv({ kind: 'python-ort', path: '/usr/bin/python3', version: '1.19.0' }, { ...base, precision: 'int8' });
    expect(py.argv).toEqual(['/usr/bin/python3', '/tmp/whittle-profile.abc/ort-python-runner.py', '/tmp/whittle-profile.abc/model.onnx', '5', '50', '1']);
    expect(py.warnings[0]).toMatch(/precision and sparsity come from the model/);
    const node = runnerArgv({ kind: 'node-ort', path: '/usr/bin/node (/home/me/node_modules/onnxruntime-node)', version: '1.30.0' }, { ...base, ortNodePath: "/home/o'brien/my mods" });
    expect(node.argv).toEqual(['/usr/bin/node', '/tmp/whittle-profile.abc/ort-node-runner.mjs', "/home/o'brien/my mods", '/tmp/whittle-profile.abc/model.onnx', '5', '50', '1']);
  });
  it('hands a hostile argument to the board-side script as one word', async () => {
    // Run the real profile script locally with `printf` as the "runner": its argv must come back intact.
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    const hostile = "x'; touch /tmp/PWNED-whittle; echo '$(id)";
    const cmd = remoteSh(PROFILE_SCRIPT, [dir, '30', 'printf', '%s\\n', hostile, 'b c']);
    // stdin stays open, as an SSH channel's does: closing it is how Whittle says "stop".
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise((r) => child.on('close', r));
    child.stdin.end();
    const runnerOut = out.split('WHITTLE_OUT_BEGIN\n')[1].split('WHITTLE_OUT_END')[0];
    expect(runnerOut).toBe(`${hostile}\nb c\n`);
    expect(out).toMatch(/WHITTLE_EXIT 0/);
    execFileSync('rm', ['-rf', dir]);
  });
});

describe('runner outputs', () => {
  it('trtexec 10 -> mean, p50 (median), p90/p95/p99, throughput and version', () => {
    const f = parseRunnerOutput('trtexec', capture('trtexec-10.txt'));
    expect(f.latencyMs).toEqual({ mean: 7.6, p50: 7.16, p90: 10.29, p95: 10.86, p99: 12.96, min: 5.38, max: 13.3 });
    expect(f.throughputPerSec).toBe(130.298);
    expect(f.version).toBe('10.3.0');
  });
  it('trtexec 8.4 leaves the missing percentiles out; a failed build is an error', () => {
    const f = parseRunnerOutput('trtexec', capture('trtexec-8.4.txt'));
    expect(f.latencyMs.p90).toBeUndefined();
    expect(f.latencyMs.p99).toBe(0.580566);
    expect(() => parseRunnerOutput('trtexec', capture('trtexec-failed.txt'))).toThrow(/trtexec failed: .*While parsing node number 3/);
  });
  it('onnxruntime_perf_test -> figures in ms and its peak working set', () => {
    const f = parseRunnerOutput('perf-test', capture('perftest-current.txt'));
    expect(f.latencyMs.mean).toBeCloseTo(0.0600348, 9);
    expect(f.latencyMs.p99).toBeCloseTo(0.098, 9);
    expect(f.peakMemoryBytes).toBe(19849216);
    expect(f.throughputPerSec).toBe(16556.3);
  });
  it('node runner JSON -> percentiles computed from every run', () => {
    const latenciesMs = Array.from({ length: 101 }, (_, i) => i / 10);
    const f = parseRunnerOutput('node-ort', `noise\n${JSON.stringify({ version: '1.30.0', latenciesMs, wallMs: 505, peakRssBytes: 1e8 })}\n`);
    expect(f.latencyMs.p50).toBeCloseTo(5, 9);
    expect(f.latencyMs.p90).toBeCloseTo(9, 9);
    expect(f.latencyMs.mean).toBeCloseTo(5, 9);
    expect(f.throughputPerSec).toBeCloseTo(200, 9);
    expect(() => parseRunnerOutput('node-ort', 'Segmentation fault')).toThrow(/no result line/);
  });
});
