// `profile`: run the incoming model on a registered board and return its ProfileResult
// (also stored in the board's profile history, as a profile from the device panel is).
// The engine process has no keychain, so the board must log in by agent or key file.
import { join } from 'node:path';
import type { NodeResult, ProfileValue } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { Precision, RunnerKind } from '../../../shared/devices/schema.ts';
import { profileOnBoard } from '../../devices/profile.ts';
import { defaultRunnersDir } from '../../devices/runnersDir.ts';
import { DeviceRegistry } from '../../store/devices.ts';
import { dataPaths } from '../../store/home.ts';
import { NO_KEYCHAIN } from '../../store/secrets.ts';
import type { NodeHandler } from '../handler.ts';
import { modelInput } from './node-inputs.ts';

export const profile: NodeHandler = async (ctx) => {
  const model = modelInput(ctx, 'model');
  const p = ctx.params;
  const deviceId = String(p.device ?? '');
  if (!deviceId) throw new WhittleError('profile.no-device', 'Pick the board to profile on.', 'Add a board in the device panel, then choose it in this node.', ctx.nodeId);
  const registry = new DeviceRegistry(join(dataPaths().home, 'devices'), NO_KEYCHAIN);
  const device = registry.get(deviceId);
  if (device.auth.kind === 'password' || (device.auth.kind === 'key' && device.auth.hasPassphrase)) {
    throw new WhittleError('profile.needs-keychain', `${device.name} logs in with a ${device.auth.kind === 'password' ? 'password' : 'key passphrase'}, which pipeline runs cannot read.`, 'Use an SSH agent or a key file without a passphrase for this board, or profile from the device panel.', ctx.nodeId);
  }
  const runs = Number(p.runs ?? 200);
  const result = await profileOnBoard({
    device, secrets: {}, modelPath: model.path, modelLabel: model.label, modelSha256: model.sha256,
    runner: String(p.runner ?? 'auto') as RunnerKind | 'auto', precision: String(p.precision ?? 'fp32') as Precision,
    sparsity: Boolean(p.sparsity), warmupRuns: Number(p.warmupRuns ?? 10), runs, threads: Number(p.threads ?? 1),
    runnersDir: defaultRunnersDir(), signal: ctx.signal,
    onProgress: (value, max, message) => ctx.progress(value, max, message),
    onLog: (m) => ctx.log(m),
  });
  const metrics: NodeResult['metrics'] = {
    board: device.name, runner: result.runner, runnerVersion: result.runnerVersion, ...(result.threads !== undefined ? { threads: result.threads } : {}),
    meanMs: result.latencyMs.mean, p50Ms: result.latencyMs.p50, throughputPerSec: result.throughputPerSec,
  };
  for (const [k, v] of [['p90Ms', result.latencyMs.p90], ['p95Ms', result.latencyMs.p95], ['p99Ms', result.latencyMs.p99],
    ['peakMemoryBytes', result.peakMemoryBytes], ['avgPowerMw', result.avgPowerMw], ['energyPerInferenceMj', result.energyPerInferenceMj]] as const) {
    if (v !== undefined) metrics[k] = v;
  }
  // Kept with the board's profiles too, so the Devices comparison shows pipeline profiles beside its own.
  registry.saveProfile(result);
  const out: ProfileValue = { type: 'profile', result };
  return {
    outputs: { profile: out },
    metrics,
    reports: [{ kind: 'devices.profile', title: `Profile on ${device.name}`, data: result }],
    warnings: result.warnings,
  };
};
