// The device panel's guidance without a browser: install steps per kind of board for the
// runners its probe did not find, why "Profile" is disabled, and how a time chart describes
// its readings.
import { describe, expect, it } from 'vitest';
import { runnerInstallHelp } from '../../src/renderer/devices/runnerHelp.ts';
import { whyNotReady } from '../../src/renderer/devices/profileReadiness.ts';
import { sampleNote } from '../../src/renderer/devices/compareData.ts';
import type { ProbeResult } from '../../src/shared/devices/schema.ts';

function probe(extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1', arch: 'aarch64', cpuModel: 'Cortex-A76', cpuCores: 4,
    memTotalBytes: 8e9, memAvailableBytes: 6e9, diskFreeBytes: 1e10, runners: [], probedAt: '2026-01-01T00:00:00Z', ...extra,
  };
}

describe('runner install help', () => {
  it('offers python and node runners with apt on a Debian board with none, and says where the node runner path goes', () => {
    const steps = runnerInstallHelp(probe());
    expect(steps.map((s) => s.runner)).toEqual(['python-ort', 'node-ort', 'perf-test']);
    expect(steps[0].commands).toContain('sudo apt-get install -y python3 python3-pip');
    expect(steps[0].commands.join('\n')).toContain('pip install --user onnxruntime');
    expect(steps[1].commands.join('\n')).toContain('npm install onnxruntime-node');
    expect(steps[1].where).toContain('onnxruntime-node on the board');
  });

  it('puts TensorRT first on a Jetson and names where JetPack installs trtexec', () => {
    const steps = runnerInstallHelp(probe({ os: 'Ubuntu 22.04.4 LTS', jetson: { model: 'NVIDIA Jetson Orin Nano', l4t: '36.3.0' } }));
    expect(steps[0].runner).toBe('trtexec');
    expect(steps[0].title).toContain('Jetson Orin Nano');
    expect(steps[0].where).toContain('/usr/src/tensorrt/bin/trtexec');
  });

  it('uses no apt on other distributions, and lists only what is missing', () => {
    const steps = runnerInstallHelp(probe({ os: 'Fedora Linux 40', runners: [{ kind: 'python-ort', path: '/usr/bin/python3', version: '1.18.0' }] }));
    expect(steps.map((s) => s.runner)).toEqual(['node-ort']);
    expect(steps[0].commands.some((c) => c.includes('apt-get'))).toBe(false);
    expect(runnerInstallHelp(probe({ runners: [{ kind: 'python-ort', path: 'p', version: '1' }, { kind: 'node-ort', path: 'n', version: '1' }] }))).toEqual([]);
  });
});

describe('why Profile is disabled', () => {
  const ok = { pinned: 1, chosen: 1, source: 'file' as const, path: 'm.onnx', runId: '', modelKey: '' };
  it('names the first thing to fix, and nothing once everything is set', () => {
    expect(whyNotReady({ ...ok, pinned: 0, chosen: 0 })).toMatch(/pinned host key/);
    expect(whyNotReady({ ...ok, chosen: 0 })).toMatch(/Tick at least one board/);
    expect(whyNotReady({ ...ok, path: '  ' })).toMatch(/\.onnx file/);
    expect(whyNotReady({ ...ok, source: 'run', runId: 'r' })).toMatch(/run and one of the models/);
    expect(whyNotReady(ok)).toBeNull();
    expect(whyNotReady({ ...ok, source: 'run', runId: 'r', modelKey: 'q|model' })).toBeNull();
  });
});

describe('time chart note', () => {
  it('says when there are too few readings to show a trend', () => {
    expect(sampleNote([])).toBe('no readings');
    expect(sampleNote([{ tS: 0, a: 1 }, { tS: 0.5, a: 2 }])).toMatch(/^only 2 readings/);
    expect(sampleNote([{ tS: 0, a: 1 }, { tS: 0.5, a: 2 }, { tS: 1.5, a: 2 }])).toBe('3 readings over 1.5 s');
  });
});
