// devices.*: the board registry, connection tests with host-key review, probes, USB
// discovery and profile jobs. One DeviceService per API instance, made on first use; the
// desktop door hands in the OS keychain (safeStorage) with configureDeviceKeychain.
import { join } from 'node:path';
import { jetsonUsbHost } from '../../devices/usb.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { ModelValue } from '../../../shared/catalog/types.ts';
import { DeviceRegistry } from '../../store/devices.ts';
import { createKeychainSecretStore, NO_KEYCHAIN, type SecretCipher } from '../../store/secrets.ts';
import { DeviceService } from '../../devices/service.ts';
import type { ApiContext } from '../context.ts';
import type { CallImpl } from '../types.ts';
import { scopedPath } from './files.ts';
import { checkKeyFile } from '../../access/key-file.ts';

const services = new WeakMap<ApiContext, DeviceService>();
const ciphers = new WeakMap<ApiContext, SecretCipher>();

/** Electron's door calls this with safeStorage before the first devices.* call. */
export function configureDeviceKeychain(ctx: ApiContext, cipher: SecretCipher): void {
  ciphers.set(ctx, cipher);
  services.delete(ctx);
}

export function deviceService(ctx: ApiContext): DeviceService {
  let service = services.get(ctx);
  if (!service) {
    const dir = join(ctx.paths.home, 'devices');
    const cipher = ciphers.get(ctx);
    const secrets = cipher ? createKeychainSecretStore(join(dir, 'secrets.json'), cipher) : NO_KEYCHAIN;
    service = new DeviceService({
      registry: new DeviceRegistry(dir, secrets),
      runnersDir: join(ctx.resourcesDir, 'runners'),
      // Tests point this at a fake sysfs tree; real use reads /sys.
      sysfsRoot: process.env.WHITTLE_SYSFS_ROOT || '/sys',
      // Tests inject a loopback address so no test ever sees (or dials) the board's real one.
      usbHost: process.env.WHITTLE_JETSON_USB_HOST || jetsonUsbHost(ctx.resourcesDir),
      onJobEvent: (e) => ctx.emit('devices.profile', e),
    });
    services.set(ctx, service);
  }
  return service;
}

export const devicesList: CallImpl<'devices.list'> = async (_req, ctx) => {
  const { registry } = deviceService(ctx);
  const devices = registry.list();
  const probes: Record<string, ReturnType<typeof registry.probeOf> & object> = {};
  for (const d of devices) {
    const p = registry.probeOf(d.id);
    if (p) probes[d.id] = p;
  }
  return { devices, probes, keychain: registry.secrets.available };
};

export const devicesAdd: CallImpl<'devices.add'> = async (req, ctx) => {
  if (req.auth.kind === 'key') checkKeyFile(ctx.access, req.auth.keyPath);
  return { device: deviceService(ctx).registry.add(req) };
};
export const devicesUpdate: CallImpl<'devices.update'> = async (req, ctx) => {
  if (req.device.auth.kind === 'key') checkKeyFile(ctx.access, req.device.auth.keyPath);
  return { device: deviceService(ctx).registry.update(req.id, req.device) };
};
export const devicesRemove: CallImpl<'devices.remove'> = async (req, ctx) => {
  deviceService(ctx).registry.remove(req.id);
  return {};
};
export const devicesTest: CallImpl<'devices.test'> = async (req, ctx) => deviceService(ctx).testConnection(req.id);
export const devicesAcceptHostKey: CallImpl<'devices.acceptHostKey'> = async (req, ctx) => ({ device: deviceService(ctx).acceptHostKey(req.id, req.sha256) });
export const devicesProbe: CallImpl<'devices.probe'> = async (req, ctx) => ({ probe: await deviceService(ctx).probe(req.id) });
export const devicesUsb: CallImpl<'devices.usb'> = async (_req, ctx) => ({ boards: deviceService(ctx).detectUsb() });

/** A model a run produced, found by run and node (never a free path from the page). */
async function runModel(ctx: ApiContext, runId: string, nodeId: string, port?: string): Promise<ModelValue> {
  const run = await ctx.history.get(runId);
  const outputs = run.nodes[nodeId]?.outputs ?? {};
  const found = Object.entries(outputs).find(([name, v]) => v.type === 'model' && (!port || name === port));
  if (!found) throw new WhittleError('device.no-model', `The run has no model from node '${nodeId}'${port ? ` on port '${port}'` : ''}.`, 'Pick a node of the run that outputs a model.');
  return found[1] as ModelValue;
}

export const devicesProfile: CallImpl<'devices.profile'> = async (req, ctx) => {
  let modelPath: string;
  let modelLabel = req.modelLabel;
  if (req.runId && req.nodeId) {
    const model = await runModel(ctx, req.runId, req.nodeId, req.port);
    modelPath = model.path;
    modelLabel ??= model.label;
  } else if (req.modelPath) {
    modelPath = scopedPath(ctx, req.modelPath, 'read-file');
  } else {
    throw new WhittleError('device.no-model', 'Pick a model to profile: a run\'s model or an .onnx file.', 'Choose a model in the profile form.');
  }
  const job = deviceService(ctx).startProfile({ ...req, modelPath, modelLabel });
  // The outcome arrives as events; a rejected promise here is already reported there.
  job.done.catch(() => {});
  return { jobId: job.jobId };
};

export const devicesCancelProfile: CallImpl<'devices.cancelProfile'> = async (req, ctx) => ({ cancelled: deviceService(ctx).cancelProfile(req.jobId) });
export const devicesProfiles: CallImpl<'devices.profiles'> = async (req, ctx) => ({ profiles: deviceService(ctx).registry.listProfiles(req) });
export const devicesDeleteProfile: CallImpl<'devices.deleteProfile'> = async (req, ctx) => {
  deviceService(ctx).registry.deleteProfile(req.id);
  return {};
};
