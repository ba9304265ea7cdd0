// The comparison view's data: shared histogram bins (each series sums to 1, slow runs in
// the last "≥" bin), latest profile per board/model, and the time series.
import { describe, expect, it } from 'vitest';
import { latestProfiles, profilesFor, sharedHistogram, timeSeries } from '../../src/renderer/devices/compareData.ts';
import type { ProfileResult, StoredProfile } from '../../src/shared/devices/schema.ts';

function stored(id: string, deviceId: string, sha: string, meanMs: number): StoredProfile {
  const result = {
    deviceId, deviceName: deviceId, modelLabel: sha, modelSha256: sha, runner: 'node-ort', runnerVersion: '1', precision: 'fp32', sparsity: false,
    warmupRuns: 0, runs: 1, latencyMs: { mean: meanMs, p50: meanMs }, throughputPerSec: 1, samples: [], startedAt: '', durationMs: 1, warnings: [],
  } satisfies ProfileResult;
  return { id, result };
}

describe('compare data', () => {
  it('bins two series on shared edges, each summing to 1, with outliers in the last bin', () => {
    const a = Array.from({ length: 100 }, (_, i) => 1 + i / 100);
    const b = [...Array.from({ length: 99 }, (_, i) => 1.5 + i / 200), 500];
    const rows = sharedHistogram([{ name: 'a', latenciesMs: a }, { name: 'b', latenciesMs: b }], 10);
    expect(rows).toHaveLength(10);
    const sum = (k: string) => rows.reduce((s, r) => s + (r[k] as number), 0);
    expect(sum('a')).toBeCloseTo(1, 9);
    expect(sum('b')).toBeCloseTo(1, 9);
    expect(rows[9].binLabel.startsWith('≥')).toBe(true);
    expect(rows[9].b as number).toBeGreaterThanOrEqual(0.01);
    expect(rows[0].fromMs).toBe(1);
    // The 500 ms outlier does not stretch the bins: they end near the pooled p99.
    expect(rows[9].fromMs).toBeLessThan(3);
  });
  it('keeps the latest profile per board and model, and filters by mode', () => {
    const list = [stored('1', 'A', 'm1', 5), stored('2', 'A', 'm1', 4), stored('3', 'A', 'm2', 3), stored('4', 'B', 'm1', 9)];
    expect(latestProfiles(list).map((p) => p.id).sort()).toEqual(['2', '3', '4']);
    expect(profilesFor(list, 'models-on-board', 'A').map((p) => p.id).sort()).toEqual(['2', '3']);
    expect(profilesFor(list, 'boards-for-model', 'm1').map((p) => p.id).sort()).toEqual(['2', '4']);
  });
  it('builds time rows from the samples that have the field', () => {
    const rows = timeSeries([{ name: 'x', samples: [{ tMs: 250, powerMw: 4000 }, { tMs: 500 }, { tMs: 750, powerMw: 5000 }] }], 'powerMw');
    expect(rows).toEqual([{ tS: 0.3, x: 4000 }, { tS: 0.8, x: 5000 }]);
  });
});
