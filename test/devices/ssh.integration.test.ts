// Devices against a real OpenSSH server on 127.0.0.1 (started here, as root): add a board,
// review and pin its host key, probe it, profile LeNet-5 fp32 and int8 with the node
// runner, and get the right clear error for each failure, with nothing left on the board.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeviceRegistry } from '../../src/main/store/devices.ts';
import { createKeychainSecretStore, NO_KEYCHAIN } from '../../src/main/store/secrets.ts';
import { DeviceService } from '../../src/main/devices/service.ts';
import { profileOnBoard } from '../../src/main/devices/profile.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { AS_ROOT, boardOrtPath, freePort, KEY_PASSPHRASE, PASSWORD_SKIP, startSshd, TEST_PASSWORD, TEST_USER, userProcesses, type SshServer } from './sshdHarness.ts';
import { memoryKeyCipher } from './testCipher.ts';
import { writeInt8Copy } from './int8Fixture.ts';
import { profile as profileHandler } from '../../src/main/engine/handlers/profile.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const REPO = resolve(import.meta.dirname, '../..');
const LENET = LENET_FIXTURE;
const RUNNERS = join(REPO, 'resources/runners');
const loopback = async () => '127.0.0.1';

let sshd: SshServer;
let dir: string;
let registry: DeviceRegistry;
let service: DeviceService;
let int8Path: string;
let ORT_PATH: string;
let ortCleanup = () => {};

function board(extra: Record<string, unknown> = {}) {
  return { name: 'loopback board', transport: 'ssh' as const, host: '127.0.0.1', port: sshd.port, user: TEST_USER, auth: { kind: 'key' as const, keyPath: sshd.keyPath, hasPassphrase: false }, ortNodePath: ORT_PATH, timeoutMs: 4000, ...extra };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect(isWhittleError(err) ? err.code : String(err)).toBe(code);
    return err as Error;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

beforeAll(async () => {
  sshd = await startSshd();
  ({ path: ORT_PATH, cleanup: ortCleanup } = boardOrtPath(join(REPO, 'node_modules')));
  dir = mkdtempSync(join(tmpdir(), 'whittle-devices-'));
  // The profile node's handler reads the registry under WHITTLE_HOME, like the engine process.
  process.env.WHITTLE_HOME = join(dir, 'home');
  registry = new DeviceRegistry(join(dir, 'home', 'devices'), createKeychainSecretStore(join(dir, 'home', 'devices', 'secrets.json'), memoryKeyCipher()));
  service = new DeviceService({ registry, runnersDir: RUNNERS, lookup: loopback, usbHost: '127.0.0.2' });
  int8Path = join(dir, 'lenet5-int8.onnx');
  expect(writeInt8Copy(LENET, int8Path)).toBeGreaterThan(2);
});

afterAll(async () => {
  await sshd?.stop();
  ortCleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devices over a real sshd', () => {
  let id: string;

  it('shows the SHA-256 fingerprint of an unknown host key and connects only once it is pinned', async () => {
    id = registry.add(board()).id;
    const first = await service.testConnection(id);
    expect(first.ok).toBe(false);
    expect(first.hostKey).toEqual({ sha256: sshd.hostFingerprint(), algorithm: 'ssh-ed25519', status: 'unknown' });
    expect(first.error?.code).toBe('device.host-key-unknown');
    expect(registry.get(id).hostKeySha256).toBeUndefined();
    service.acceptHostKey(id, first.hostKey!.sha256);
    const second = await service.testConnection(id);
    expect(second.ok).toBe(true);
    expect(second.hostKey?.status).toBe('pinned');
  });

  it('probes the board: OS, CPU, memory, disk and the node runner at the configured path', async () => {
    const probe = await service.probe(id);
    expect(probe.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(probe.arch).toBe(process.arch === 'x64' ? 'x86_64' : probe.arch);
    expect(probe.cpuCores).toBeGreaterThan(0);
    expect(probe.memTotalBytes).toBeGreaterThan(probe.memAvailableBytes);
    expect(probe.diskFreeBytes).toBeGreaterThan(0);
    expect(probe.jetson).toBeUndefined();
    const node = probe.runners.find((r) => r.kind === 'node-ort');
    expect(node?.version).toBe(JSON.parse(readFileSync(join(ORT_PATH, 'onnxruntime-node/package.json'), 'utf8')).version);
    expect(registry.probeOf(id)?.kernel).toBe(probe.kernel);
  });

  it('profiles LeNet-5 fp32 and int8 with the node runner and removes its temp folder', async () => {
    for (const [path, label] of [[LENET, 'LeNet-5 fp32'], [int8Path, 'LeNet-5 int8']]) {
      const dirs: string[] = [];
      const progress: number[] = [];
      const device = registry.get(id);
      const r = await profileOnBoard({
        device, secrets: {}, modelPath: path, modelLabel: label, modelSha256: 'x', runner: 'auto', precision: 'fp32', sparsity: false,
        warmupRuns: 5, runs: 200, runnersDir: RUNNERS, lookup: loopback, onRemoteDir: (d) => dirs.push(d), onProgress: (v) => progress.push(v),
      });
      expect(r.runner).toBe('node-ort');
      expect(r.runnerVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(r.latenciesMs).toHaveLength(200);
      const l = r.latencyMs;
      expect(l.min!).toBeGreaterThan(0);
      expect(l.min!).toBeLessThanOrEqual(l.p50);
      expect(l.p50).toBeLessThanOrEqual(l.p90!);
      expect(l.p90!).toBeLessThanOrEqual(l.p95!);
      expect(l.p95!).toBeLessThanOrEqual(l.p99!);
      expect(l.p99!).toBeLessThanOrEqual(l.max!);
      expect(l.mean).toBeLessThan(50);
      expect(r.throughputPerSec).toBeGreaterThan(10);
      // Peak RSS of a node process with ORT loaded: tens of MB, not bytes nor gigabytes.
      expect(r.peakMemoryBytes!).toBeGreaterThan(20e6);
      expect(r.peakMemoryBytes!).toBeLessThan(2e9);
      expect(r.avgPowerMw).toBeUndefined();
      expect(progress.at(-1)).toBe(200);
      expect(dirs).toHaveLength(1);
      expect(dirs[0]).toMatch(/^\/tmp\/whittle-profile\./);
      expect(existsSync(dirs[0])).toBe(false);
    }
  });

  it('reports a model the runner cannot load with the runner\'s own reason, and still cleans up', async () => {
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, Buffer.from('this is not an onnx model'));
    const dirs: string[] = [];
    const err = await expectCode(profileOnBoard({
      device: registry.get(id), secrets: {}, modelPath: broken, modelLabel: 'broken', modelSha256: 'x', runner: 'node-ort', precision: 'fp32', sparsity: false,
      warmupRuns: 1, runs: 5, runnersDir: RUNNERS, lookup: loopback, onRemoteDir: (d) => dirs.push(d),
    }), 'device.runner-failed');
    expect(err.message).toMatch(/node-ort failed on loopback board: .*(protobuf|parsing|model)/i);
    expect(existsSync(dirs[0])).toBe(false);
  });

  it('stores a profile started through the service with the run it belongs to', async () => {
    const job = service.startProfile({ deviceId: id, modelPath: int8Path, modelLabel: 'LeNet-5 int8', runs: 50, warmupRuns: 2, runId: 'run-1' });
    const stored = await job.done;
    expect(registry.listProfiles({ runId: 'run-1' }).map((p) => p.id)).toEqual([stored.id]);
    expect(stored.result.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs the profile node handler with a hand-made context and returns the ProfileResult', async () => {
    const progress: number[] = [];
    const ctx: NodeContext = {
      nodeId: 'p', params: { device: id, runner: 'auto', precision: 'fp32', sparsity: false, warmupRuns: 2, runs: 30 },
      inputs: { model: { type: 'model', path: int8Path, sha256: 'abc', sizeBytes: 1, label: 'LeNet-5 int8' } },
      documentDir: dir, workDir: dir, signal: new AbortController().signal,
      progress: (v) => progress.push(v), log: () => {}, report: () => {},
    };
    const result = await profileHandler(ctx);
    const value = result.outputs.profile;
    expect(value.type).toBe('profile');
    expect(result.metrics.runner).toBe('node-ort');
    expect(result.metrics.meanMs).toBeGreaterThan(0);
    expect(result.reports?.[0].kind).toBe('devices.profile');
    expect(progress.at(-1)).toBe(30);
  });

  it.skipIf(PASSWORD_SKIP !== undefined)(`logs in with a password kept encrypted, and says so when it is wrong${PASSWORD_SKIP ? ` (skipped: ${PASSWORD_SKIP})` : ''}`, async () => {
    const pw = registry.add(board({ name: 'pw', auth: { kind: 'password' }, password: TEST_PASSWORD, hostKeySha256: undefined }));
    expect(readFileSync(join(dir, 'home', 'devices', 'secrets.json'), 'utf8')).not.toContain(TEST_PASSWORD);
    expect(readFileSync(join(dir, 'home', 'devices', 'devices.json'), 'utf8')).not.toContain(TEST_PASSWORD);
    registry.pinHostKey(pw.id, sshd.hostFingerprint());
    expect((await service.testConnection(pw.id)).ok).toBe(true);
    registry.update(pw.id, { ...board({ name: 'pw', auth: { kind: 'password' } }), password: 'wrong password' });
    const bad = await service.testConnection(pw.id);
    expect(bad.error?.code).toBe('device.auth-failed');
    expect(bad.error?.message).toMatch(/rejected the login/);
  });

  it('refuses password login where there is no keychain (browser host, CLI)', () => {
    const plain = new DeviceRegistry(join(dir, 'nokeychain'), NO_KEYCHAIN);
    expect(() => plain.add(board({ auth: { kind: 'password' }, password: 'x' }))).toThrow(/keychain/);
    expect(existsSync(join(dir, 'nokeychain', 'devices.json'))).toBe(false);
  });

  it('uses a key file with a passphrase, and names a wrong passphrase', async () => {
    const k = registry.add(board({ name: 'enc', auth: { kind: 'key', keyPath: sshd.encryptedKeyPath, hasPassphrase: true }, passphrase: KEY_PASSPHRASE }));
    registry.pinHostKey(k.id, sshd.hostFingerprint());
    expect((await service.testConnection(k.id)).ok).toBe(true);
    registry.update(k.id, { ...board({ name: 'enc', auth: { kind: 'key', keyPath: sshd.encryptedKeyPath, hasPassphrase: true } }), passphrase: 'nope' });
    expect((await service.testConnection(k.id)).error?.code).toBe('device.key-passphrase');
  });

  it('answers refused and timeout clearly', async () => {
    const closedPort = await freePort();
    const r = registry.add(board({ name: 'closed', port: closedPort }));
    const refused = await service.testConnection(r.id);
    expect(refused.error?.code).toBe('device.refused');
    // A server that accepts TCP and never speaks SSH.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    const port = await new Promise<number>((res) => silent.listen(0, '127.0.0.1', () => res((silent.address() as { port: number }).port)));
    try {
      const t = registry.add(board({ name: 'silent', port, timeoutMs: 1500 }));
      const t0 = Date.now();
      const timeout = await service.testConnection(t.id);
      expect(timeout.error?.code).toBe('device.timeout');
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('cancels a long profile and stops the runner on the board', async () => {
    const controller = new AbortController();
    const device = registry.get(id);
    const dirs: string[] = [];
    const p = profileOnBoard({
      device, secrets: {}, modelPath: LENET, modelLabel: 'LeNet-5', modelSha256: 'x', runner: 'node-ort', precision: 'fp32', sparsity: false,
      warmupRuns: 0, runs: 300_000, runnersDir: RUNNERS, lookup: loopback, onRemoteDir: (d) => dirs.push(d),
      onProgress: (v) => { if (v > 0) controller.abort(); }, signal: controller.signal,
    });
    await expectCode(p, 'cancelled');
    await waitFor(() => userProcesses(dirs[0]).length === 0, 5000);
    expect(existsSync(dirs[0])).toBe(false);
  });

  it('gives a clear timeout when the board goes silent mid-profile, and its runner stops once the link is back', async () => {
    const device = registry.get(id);
    const dirs: string[] = [];
    let frozenAt = 0;
    const p = profileOnBoard({
      device, secrets: {}, modelPath: LENET, modelLabel: 'LeNet-5', modelSha256: 'x', runner: 'node-ort', precision: 'fp32', sparsity: false,
      warmupRuns: 0, runs: 300_000, runnersDir: RUNNERS, lookup: loopback, onRemoteDir: (d) => dirs.push(d),
      onProgress: (v) => { if (v > 0 && !frozenAt) { frozenAt = Date.now(); sshd.freeze(); } },
    });
    try {
      const err = await expectCode(p, 'device.timeout');
      expect(err.message).toMatch(/stopped answering for 4 s/);
      expect(Date.now() - frozenAt).toBeLessThan(device.timeoutMs + 2000);
    } finally {
      sshd.thaw();
    }
    await waitFor(() => userProcesses(dirs[0]).length === 0, 8000);
    await waitFor(() => !existsSync(dirs[0]), 5000);
  });

  // Root makes the namespace directly; anyone else first enters a user namespace of their own
  // (a chroot forbids that, so root does not).
  it('names a host that does not resolve (inside an empty network namespace: no traffic leaves)', () => {
    const code = `import { connectBoard } from './src/main/devices/ssh.ts';
try { await connectBoard({ device: { id: 'x', name: 'n', transport: 'ssh', host: 'board.whittle-test.invalid', port: 22, user: 'u', auth: { kind: 'agent' }, timeoutMs: 3000 }, secrets: {}, agentSocket: '/nonexistent' }); console.log('{}'); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const out = execFileSync('unshare', [...(AS_ROOT ? [] : ['--map-root-user']), '--net', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 20_000 });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.code).toBe('device.dns');
    expect(result.message).toContain('board.whittle-test.invalid');
  });

  it('refuses a changed host key, then connects after the new key is reviewed and re-pinned', async () => {
    const old = sshd.hostFingerprint();
    await sshd.rotateHostKey();
    const report = await service.testConnection(id);
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('device.host-key-changed');
    expect(report.error?.message).toContain(old);
    expect(report.hostKey).toEqual({ sha256: sshd.hostFingerprint(), algorithm: 'ssh-ed25519', status: 'changed' });
    expect(registry.get(id).hostKeySha256).toBe(old);
    service.acceptHostKey(id, report.hostKey!.sha256);
    expect((await service.testConnection(id)).ok).toBe(true);
  });

  it('reports a board that vanishes mid-profile, and leaves nothing running on it', async () => {
    const device = registry.get(id);
    const dirs: string[] = [];
    let killedAt = 0;
    const p = profileOnBoard({
      device, secrets: {}, modelPath: LENET, modelLabel: 'LeNet-5', modelSha256: 'x', runner: 'node-ort', precision: 'fp32', sparsity: false,
      warmupRuns: 0, runs: 300_000, runnersDir: RUNNERS, lookup: loopback, onRemoteDir: (d) => dirs.push(d),
      onProgress: (v) => { if (v > 0 && !killedAt) { killedAt = Date.now(); sshd.killHard(); } },
    });
    const err = await expectCode(p, 'device.connection-lost');
    expect(Date.now() - killedAt).toBeLessThan(device.timeoutMs);
    expect(err.message).toMatch(/lost/);
    await waitFor(() => userProcesses(dirs[0]).length === 0, 5000);
    await waitFor(() => !existsSync(dirs[0]), 5000);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
