// Parser tests on captured board output: trtexec 7/8/10, tegrastats Nano/Xavier/Orin,
// onnxruntime_perf_test old and current, the /proc sampler, and lines with fields missing.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrtexec } from '../../src/main/devices/parsers/trtexec.ts';
import { parseTegrastats, parseTegrastatsLine } from '../../src/main/devices/parsers/tegrastats.ts';
import { parsePerfTest } from '../../src/main/devices/parsers/perfTest.ts';
import { parseProcSamples } from '../../src/main/devices/parsers/procSample.ts';

const capture = (name: string) => readFileSync(join(import.meta.dirname, 'captures', name), 'utf8');

describe('trtexec', () => {
  it('reads TensorRT 10 summary with all percentiles and ignores H2D/D2H latency lines', () => {
    const s = parseTrtexec(capture('trtexec-10.txt'));
    expect(s.version).toBe('10.3.0');
    expect(s.throughputPerSec).toBe(130.298);
    expect(s.latencyMs).toEqual({ min: 5.38, max: 13.3, mean: 7.6, median: 7.16, percentiles: { 90: 10.29, 95: 10.86, 99: 12.96 } });
    expect(s.gpuComputeMs?.mean).toBe(7.33);
    expect(s.gpuComputeMs?.percentiles[99]).toBe(12.61);
    expect(s.failure).toBeUndefined();
  });
  it('reads TensorRT 8.4 with only percentile(99%)', () => {
    const s = parseTrtexec(capture('trtexec-8.4.txt'));
    expect(s.version).toBe('8.4.1');
    expect(s.throughputPerSec).toBe(2518.41);
    expect(s.latencyMs?.median).toBe(0.378418);
    expect(s.latencyMs?.percentiles).toEqual({ 99: 0.580566 });
  });
  it('reads TensorRT 8.0 "percentile = x ms at N%"', () => {
    const s = parseTrtexec(capture('trtexec-8.0.txt'));
    expect(s.version).toBe('8.0.1');
    expect(s.latencyMs?.percentiles).toEqual({ 99: 2.61 });
    expect(s.latencyMs?.mean).toBe(2.05);
  });
  it('reads TensorRT 7 averages without percentiles or throughput', () => {
    const s = parseTrtexec(capture('trtexec-7.txt'));
    expect(s.version).toBeUndefined();
    expect(s.latencyMs?.mean).toBe(1.5213);
    expect(s.throughputPerSec).toBeUndefined();
  });
  it('reports a failed build with its first error line', () => {
    const s = parseTrtexec(capture('trtexec-failed.txt'));
    expect(s.version).toBe('8.5.2');
    expect(s.failure).toMatch(/While parsing node number 3/);
    expect(s.latencyMs).toBeUndefined();
  });
});

describe('tegrastats', () => {
  it('reads Nano lines without units, skipping SWAP/IRAM and PMIC', () => {
    const [a, b, c] = parseTegrastats(capture('tegrastats-nano.txt'));
    expect(a.ramUsedMb).toBe(1180);
    expect(a.ramTotalMb).toBe(3965);
    expect(a.cpuPercent).toBeCloseTo((30 + 12 + 20) / 3, 6);
    expect(a.gpuPercent).toBe(0);
    expect(a.railsMw).toEqual({ POM_5V_IN: 4520, POM_5V_GPU: 82, POM_5V_CPU: 646 });
    expect(a.totalPowerMw).toBe(4520);
    expect(a.maxTempC).toBe(59);
    expect(a.timestampMs).toBeUndefined();
    expect(b.totalPowerMw).toBe(6120);
    expect(b.gpuPercent).toBe(47);
    // Third line: all cores off, no rails, no temperatures.
    expect(c.cpuPercent).toBeUndefined();
    expect(c.totalPowerMw).toBeUndefined();
    expect(c.maxTempC).toBeUndefined();
    expect(c.ramUsedMb).toBe(1190);
  });
  it('sums Xavier rails when there is no input rail', () => {
    const [x] = parseTegrastats(capture('tegrastats-xavier.txt'));
    expect(x.railsMw).toEqual({ GPU: 0, CPU: 311, SOC: 1244, CV: 0, VDDRQ: 155, SYS5V: 1777 });
    expect(x.totalPowerMw).toBe(311 + 1244 + 155 + 1777);
    expect(x.maxTempC).toBe(34.25);
  });
  it('reads Orin lines: timestamps, mW, bracketed GPU frequency, lowercase temperatures, missing GR3D', () => {
    const [a, b, c] = parseTegrastats(capture('tegrastats-orin.txt'));
    expect(a.timestampMs).toBe(Date.UTC(2026, 10, 28, 10, 15, 1));
    expect(b.timestampMs! - a.timestampMs!).toBe(1000);
    expect(a.gpuPercent).toBe(14);
    expect(a.totalPowerMw).toBe(4556);
    expect(a.railsMw.VDD_SOC).toBe(1363);
    expect(a.maxTempC).toBe(47.687);
    expect(b.totalPowerMw).toBe(9120);
    expect(b.gpuPercent).toBe(93);
    expect(c.gpuPercent).toBeUndefined();
    expect(c.totalPowerMw).toBeUndefined();
    expect(c.cpuPercent).toBeCloseTo(1.5, 6);
  });
  it('ignores lines that are not tegrastats output', () => {
    expect(parseTegrastatsLine('tegrastats: command not found')).toBeUndefined();
    expect(parseTegrastatsLine('')).toBeUndefined();
  });
});

describe('onnxruntime_perf_test', () => {
  it('reads the current format (seconds with a space, P999)', () => {
    const s = parsePerfTest(capture('perftest-current.txt'));
    expect(s.averageMs).toBeCloseTo(0.0600348, 9);
    expect(s.throughputPerSec).toBe(16556.3);
    expect(s.peakWorkingSetBytes).toBe(19849216);
    expect(s.totalRequests).toBe(1000);
    expect(s.minMs).toBeCloseTo(0.052, 9);
    expect(s.maxMs).toBeCloseTo(0.158, 9);
    expect(s.percentilesMs[50]).toBeCloseTo(0.056, 9);
    expect(s.percentilesMs[95]).toBeCloseTo(0.069, 9);
    expect(s.percentilesMs[99.9]).toBeCloseTo(0.158, 9);
  });
  it('reads the old "P50 Latency is 0.0587108sec" format without a throughput line', () => {
    const s = parsePerfTest(capture('perftest-old.txt'));
    expect(s.averageMs).toBe(61.53);
    expect(s.percentilesMs[50]).toBeCloseTo(58.7108, 6);
    expect(s.percentilesMs[90]).toBeCloseTo(65.2, 6);
    expect(s.percentilesMs[95]).toBeUndefined();
    expect(s.throughputPerSec).toBeUndefined();
    expect(s.peakWorkingSetBytes).toBe(88936448);
  });
  it('keeps what a truncated output has', () => {
    const s = parsePerfTest(capture('perftest-partial.txt'));
    expect(s.averageMs).toBe(1.25);
    expect(s.percentilesMs).toEqual({ 50: 1.2 });
    expect(s.peakWorkingSetBytes).toBeUndefined();
  });
});

describe('/proc sampler', () => {
  it('computes RAM used, RSS and CPU load between readings', () => {
    const text = [
      'S 1000 8000000 6000000 - 1000 800',
      'garbage line',
      'S 1200 8000000 5900000 20480 1100 850',
      'S 1400 8000000 5900000 0 1100 850',
    ].join('\n');
    const [a, b, c] = parseProcSamples(text);
    expect(a).toEqual({ epochMs: 1000, ramUsedBytes: 2000000 * 1024 });
    expect(b.ramUsedBytes).toBe(2100000 * 1024);
    expect(b.rssBytes).toBe(20480 * 1024);
    expect(b.cpuPercent).toBeCloseTo(50, 9);
    // No tick advanced: no CPU figure rather than a division by zero.
    expect(c.cpuPercent).toBeUndefined();
    expect(c.rssBytes).toBeUndefined();
  });
});
