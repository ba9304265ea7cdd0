// USB device-mode detection under a fake sysfs tree, and the probe parser on output
// captured from a Jetson (device-tree model, L4T release, trtexec) and a plain Linux box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectUsbBoards, jetsonUsbHost } from '../../src/main/devices/usb.ts';
import { parseL4t, parseProbe } from '../../src/main/devices/probe.ts';
import { chooseRunner, runnerArgv } from '../../src/main/devices/runners.ts';

let root: string;

function usbDevice(name: string, attrs: Record<string, string>): string {
  const real = join(root, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', name);
  mkdirSync(real, { recursive: true });
  for (const [k, v] of Object.entries(attrs)) writeFileSync(join(real, k), `${v}\n`);
  mkdirSync(join(root, 'bus', 'usb', 'devices'), { recursive: true });
  symlinkSync(real, join(root, 'bus', 'usb', 'devices', name));
  return real;
}

function netInterface(ifname: string, deviceDir: string): void {
  const dir = join(root, 'class', 'net', ifname);
  mkdirSync(dir, { recursive: true });
  symlinkSync(deviceDir, join(dir, 'device'));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'whittle-sysfs-'));
  const orin = usbDevice('1-2', { idVendor: '0955', idProduct: '7035', product: 'Linux for Tegra', serial: '1421623052123' });
  const ifaceDir = join(orin, '1-2:1.0');
  mkdirSync(ifaceDir);
  netInterface('enx1a2b3c4d5e6f', ifaceDir);
  usbDevice('1-3', { idVendor: '0955', idProduct: '7020' });
  usbDevice('1-4', { idVendor: '0955', idProduct: '7e19' }); // recovery mode: not a network gadget
  usbDevice('1-5', { idVendor: '046d', idProduct: 'c52b', product: 'USB Receiver' });
  netInterface('lo', join(root, 'devices', 'virtual', 'net', 'lo'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('USB device mode', () => {
  it('finds NVIDIA gadgets 7020/7035 and their network interface, nothing else', () => {
    const boards = detectUsbBoards(root, '127.0.0.3');
    expect(boards.map((b) => [b.productId, b.netInterface ?? null])).toEqual([['7035', 'enx1a2b3c4d5e6f'], ['7020', null]]);
    expect(boards[0]).toMatchObject({ vendorId: '0955', product: 'Linux for Tegra', serial: '1421623052123', suggestedHost: '127.0.0.3' });
    expect(boards[1].product).toMatch(/Jetson/);
  });
  it('suggests an injected address instead of the L4T default', () => {
    expect(detectUsbBoards(root, '127.0.0.2').map((b) => b.suggestedHost)).toEqual(['127.0.0.2', '127.0.0.2']);
  });
  it('returns nothing when sysfs has no USB bus', () => {
    expect(detectUsbBoards(join(root, 'nope'), '127.0.0.2')).toEqual([]);
  });
});

const JETSON_PROBE = `os=Ubuntu 22.04.4 LTS
kernel=5.15.136-tegra
arch=aarch64
cpu_model=ARMv8 Processor rev 1 (v8l)
cpu_cores=6
mem_total_kb=7802148
mem_available_kb=5120000
disk_free_kb=31457280
dt_model=NVIDIA Jetson Orin Nano Developer Kit
l4t=# R36 (release), REVISION: 4.0, GCID: 37537400, BOARD: generic, EABI: aarch64, DATE: Fri Sep 13 04:36:44 UTC 2024
trtexec=/usr/src/tensorrt/bin/trtexec|TensorRT v100300
python_ort=/usr/bin/python3|1.19.0
`;

describe('probe parsing', () => {
  it('reads a Jetson: model, L4T, runners with versions, and prefers trtexec', () => {
    const p = parseProbe(JETSON_PROBE, new Date(0));
    expect(p.jetson).toEqual({ model: 'NVIDIA Jetson Orin Nano Developer Kit', l4t: 'R36.4.0' });
    expect(p.arch).toBe('aarch64');
    expect(p.cpuCores).toBe(6);
    expect(p.memTotalBytes).toBe(7802148 * 1024);
    expect(p.runners).toEqual([
      { kind: 'trtexec', path: '/usr/src/tensorrt/bin/trtexec', version: '10.3.0' },
      { kind: 'python-ort', path: '/usr/bin/python3', version: '1.19.0' },
    ]);
    const best = chooseRunner(p, 'auto');
    expect(best.kind).toBe('trtexec');
    const plan = runnerArgv(best, { dir: '/tmp/whittle-profile.x', precision: 'int8', sparsity: true, warmupRuns: 10, runs: 500 });
    expect(plan.argv).toEqual(['/usr/src/tensorrt/bin/trtexec', '--onnx=/tmp/whittle-profile.x/model.onnx', '--iterations=500', '--duration=0', '--warmUp=200', '--avgRuns=1', '--int8', '--sparsity=enable']);
    expect(() => chooseRunner(p, 'node-ort')).toThrow(/no node \+ onnxruntime-node/);
  });
  it('reads L4T 32 (JetPack 4) and a board without any runner', () => {
    expect(parseL4t('# R32 (release), REVISION: 7.4, GCID: 33514132, BOARD: t210ref')).toBe('R32.7.4');
    const p = parseProbe('os=Debian GNU/Linux 12\nkernel=6.1.0\narch=x86_64\ncpu_model=\ncpu_cores=2\n');
    expect(p.jetson).toBeUndefined();
    expect(p.cpuModel).toBe('unknown');
    expect(() => chooseRunner(p, 'auto')).toThrow(/no runner/);
  });
  it('refuses output that is not the probe', () => {
    expect(() => parseProbe('Welcome to the board!\n')).toThrow(/did not answer the probe/);
  });
});

describe('the suggested board address', () => {
  it('comes from the bundled resources file, not from code', () => {
    const resources = mkdtempSync(join(tmpdir(), 'whittle-res-'));
    mkdirSync(join(resources, 'devices'));
    writeFileSync(join(resources, 'devices', 'jetson-usb.json'), JSON.stringify({ boardHost: '127.0.0.4' }));
    expect(jetsonUsbHost(resources)).toBe('127.0.0.4');
    rmSync(resources, { recursive: true, force: true });
  });
});
