// The Jetson sampling path on the loopback board: a stand-in `tegrastats` (first on the
// session PATH) replays captured Orin lines; the profile must turn them into power over
// time, average power and energy per inference, and stop the sampler afterwards.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Device } from '../../src/shared/devices/schema.ts';
import { profileOnBoard } from '../../src/main/devices/profile.ts';
import { boardOrtPath, startSshd, TEST_USER, userProcesses, type SshServer } from './sshdHarness.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const REPO = resolve(import.meta.dirname, '../..');
const LENET = LENET_FIXTURE;
let sshd: SshServer;
let tools: string;
let ort: { path: string; cleanup(): void };

beforeAll(async () => {
  tools = mkdtempSync(join(tmpdir(), 'whittle-fake-jetson-'));
  chmodSync(tools, 0o755);
  const [idle, busy] = readFileSync(join(import.meta.dirname, 'captures', 'tegrastats-orin.txt'), 'utf8').split('\n');
  // Alternates an idle and a busy Orin line every 100 ms, like `tegrastats --interval 100`.
  writeFileSync(join(tools, 'tegrastats'), `#!/bin/sh\nwhile :; do\n  echo '${idle}'\n  sleep 0.1\n  echo '${busy}'\n  sleep 0.1\ndone\n`, { mode: 0o755 });
  sshd = await startSshd({ pathDirs: [tools] });
  ort = boardOrtPath(join(REPO, 'node_modules'));
});

afterAll(async () => {
  await sshd?.stop();
  ort?.cleanup();
  rmSync(tools, { recursive: true, force: true });
});

it('samples tegrastats during the run: power over time, average power, energy per inference', async () => {
  const device = Device.parse({
    id: 'orin', name: 'fake orin', transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: TEST_USER,
    auth: { kind: 'key', keyPath: sshd.keyPath, hasPassphrase: false }, hostKeySha256: sshd.hostFingerprint(), ortNodePath: ort.path, timeoutMs: 5000,
  });
  const dirs: string[] = [];
  const r = await profileOnBoard({
    device, secrets: {}, modelPath: LENET, modelLabel: 'LeNet-5', modelSha256: 'x', runner: 'node-ort', precision: 'fp32', sparsity: false,
    warmupRuns: 10, runs: 30_000, runnersDir: join(REPO, 'resources/runners'), lookup: async () => '127.0.0.1', onRemoteDir: (d) => dirs.push(d),
  });
  const power = r.samples.filter((s) => s.powerMw !== undefined);
  expect(power.length).toBeGreaterThanOrEqual(3);
  // Every reading is one of the two captured VDD_IN values.
  for (const s of power) expect([4556, 9120]).toContain(s.powerMw);
  expect(r.avgPowerMw!).toBeGreaterThanOrEqual(4556);
  expect(r.avgPowerMw!).toBeLessThanOrEqual(9120);
  expect(r.avgPowerMw).toBeCloseTo(power.reduce((a, s) => a + s.powerMw!, 0) / power.length, 9);
  expect(r.energyPerInferenceMj).toBeCloseTo(r.avgPowerMw! / r.throughputPerSec, 12);
  expect(power.some((s) => s.gpuPercent === 93 && s.tempC === 52.9)).toBe(true);
  // The /proc sampler still gives the runner's memory next to tegrastats.
  expect(r.samples.some((s) => s.rssBytes !== undefined)).toBe(true);
  // The stand-in's own path: the profile script's text names tegrastats too, and other
  // profiles of the same user may be running in parallel test files.
  expect(userProcesses(join(tools, 'tegrastats'))).toEqual([]);
  expect(userProcesses(dirs[0])).toEqual([]);
});
