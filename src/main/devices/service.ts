// The device service the API calls: registry + transport + probe + profile jobs with
// progress, cancel and storage of results. One instance per door process.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WhittleError, toErrorData } from '../../shared/errors.ts';
import { ProfileRequest, type ConnectionReport, type Device, type ProbeResult, type ProfileJobEvent, type UsbBoard } from '../../shared/devices/schema.ts';
import type { DeviceRegistry, StoredProfile } from '../store/devices.ts';
import { connectBoard, HostKeyError } from './ssh.ts';
import { probeBoard } from './probe.ts';
import { profileOnBoard } from './profile.ts';
import { detectUsbBoards } from './usb.ts';

export interface DeviceServiceOptions {
  registry: DeviceRegistry;
  /** Local folder of the board-side runner scripts (resources/runners). */
  runnersDir: string;
  sysfsRoot?: string;
  /** Address suggested for a Jetson found on USB (default: L4T's link address). */
  usbHost: string;
  lookup?: (host: string) => Promise<string>;
  onJobEvent?: (event: ProfileJobEvent) => void;
}

export class DeviceService {
  private readonly jobs = new Map<string, AbortController>();

  constructor(private readonly opts: DeviceServiceOptions) {}

  get registry(): DeviceRegistry { return this.opts.registry; }

  /** Connects and logs in. An unpinned or changed host key comes back for the user to review. */
  async testConnection(id: string): Promise<ConnectionReport> {
    const device = this.registry.get(id);
    const t0 = Date.now();
    try {
      const conn = await connectBoard({ device, secrets: this.registry.secretsFor(device), lookup: this.opts.lookup });
      conn.close();
      return { ok: true, hostKey: { ...conn.hostKey, status: 'pinned' }, latencyMs: Date.now() - t0 };
    } catch (err) {
      if (err instanceof HostKeyError) return { ok: false, hostKey: { ...err.hostKey, status: err.status }, error: err.toData() };
      return { ok: false, error: toErrorData(err) };
    }
  }

  acceptHostKey(id: string, sha256: string): Device {
    return this.registry.pinHostKey(id, sha256);
  }

  async probe(id: string): Promise<ProbeResult> {
    const device = this.registry.get(id);
    const conn = await connectBoard({ device, secrets: this.registry.secretsFor(device), lookup: this.opts.lookup });
    try {
      const probe = await probeBoard(conn, device.ortNodePath);
      this.registry.saveProbe(id, probe);
      return probe;
    } finally {
      conn.close();
    }
  }

  detectUsb(): UsbBoard[] {
    return detectUsbBoards(this.opts.sysfsRoot ?? '/sys', this.opts.usbHost);
  }

  /** Starts a profile; events report progress; the promise settles with the stored result. */
  startProfile(request: ProfileRequest): { jobId: string; done: Promise<StoredProfile> } {
    const req = ProfileRequest.parse(request);
    const device = this.registry.get(req.deviceId);
    const jobId = randomUUID();
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    const modelLabel = req.modelLabel ?? basename(req.modelPath);
    const emit = (e: Omit<ProfileJobEvent, 'jobId' | 'deviceId' | 'modelLabel'>) => this.opts.onJobEvent?.({ jobId, deviceId: device.id, modelLabel, ...e });
    const done = (async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(req.modelPath);
      } catch {
        throw new WhittleError('device.model-missing', `The model ${req.modelPath} cannot be read.`, 'Pick the model again.');
      }
      const result = await profileOnBoard({
        device, secrets: this.registry.secretsFor(device), modelPath: req.modelPath, modelLabel,
        modelSha256: createHash('sha256').update(bytes).digest('hex'),
        runner: req.runner, precision: req.precision, sparsity: req.sparsity, warmupRuns: req.warmupRuns, runs: req.runs, threads: req.threads,
        runnersDir: this.opts.runnersDir, signal: controller.signal, lookup: this.opts.lookup,
        onProgress: (value, max, message) => emit({ state: 'running', value, max, message }),
      });
      const stored = this.registry.saveProfile(result, req.runId);
      emit({ state: 'done', value: req.runs, max: req.runs, message: 'Done', profileId: stored.id });
      return stored;
    })();
    done.catch((err) => {
      const error = toErrorData(err);
      emit({ state: error.code === 'cancelled' ? 'cancelled' : 'failed', value: 0, max: req.runs, message: error.message, error });
    }).finally(() => this.jobs.delete(jobId));
    return { jobId, done };
  }

  cancelProfile(jobId: string): boolean {
    const c = this.jobs.get(jobId);
    if (!c) return false;
    c.abort();
    return true;
  }
}
