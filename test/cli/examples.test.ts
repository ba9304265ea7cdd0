// Every bundled example runs headless through the real `whittle run` (compiled CLI), with
// small budgets set through params (fewer epochs, samples and timed runs) and, for the
// MobileNetV2 example's Profile node, a loopback OpenSSH "board" registered in the run's
// WHITTLE_HOME. Each must finish with every node done; a node may end amber only with a
// stated warning.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../src/main/store/devices.ts';
import { NO_KEYCHAIN } from '../../src/main/store/secrets.ts';
import type { RunRecord } from '../../src/shared/api/run.ts';
import { nodeSucceeded } from '../../src/shared/api/run.ts';
import { boardOrtPath, startSshd, TEST_USER, type SshServer } from '../devices/sshdHarness.ts';
import { buildCli, ROOT, runWhittle } from './whittle-process.ts';

type Params = Record<string, Record<string, unknown>>;

/** The test split is in class order: a small part of it must be shuffled to hold every digit. */
const SMALL_TEST = { limit: 256, shuffle: true, seed: 3 };

/** Budgets small enough for a test, by node id; the examples' own values are for users. */
const BUDGETS: Record<string, Params> = {
  'mobilenetv2-end-to-end': {
    'train-data': { limit: 512 }, 'test': SMALL_TEST, 'train': { epochs: 1 }, 'fine-tune': { epochs: 1 },
    'calibration': { limit: 32 }, 'latency-trained': { runs: 5 }, 'latency-int8': { runs: 5 }, 'profile': { runs: 5, warmupRuns: 1 },
  },
  'lenet5-distill-mlp': { 'train-data': { limit: 512 }, 'test': SMALL_TEST, 'distill': { epochs: 1 }, 'calibration': { limit: 32 }, 'latency-teacher': { runs: 5 }, 'latency-student-int8': { runs: 5 } },
  'yolo-prune-quantize': { 'calibration': { count: 4 }, 'quantize': { calibrationSamples: 4 }, 'latency-original': { runs: 2 }, 'latency-pruned': { runs: 2 }, 'latency-int8': { runs: 2 } },
  'vit-prune-quantize': { 'train-data': { limit: 256 }, 'test': SMALL_TEST, 'latency-original': { runs: 5 }, 'latency-int8': { runs: 5 } },
};

const EXAMPLES = join(ROOT, 'resources', 'examples');
let dir: string;
let sshd: SshServer;
let ortCleanup = () => {};
let deviceId = '';

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'whittle-examples-'));
  // The examples name ../models/...: keep that layout beside the edited copies.
  cpSync(join(ROOT, 'resources', 'models'), join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'examples'));
  sshd = await startSshd();
  const ort = boardOrtPath(join(ROOT, 'node_modules'));
  ortCleanup = ort.cleanup;
  const registry = new DeviceRegistry(join(dir, 'home', 'devices'), NO_KEYCHAIN);
  const board = registry.add({ name: 'loopback board', transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: TEST_USER, auth: { kind: 'key', keyPath: sshd.keyPath, hasPassphrase: false }, ortNodePath: ort.path, timeoutMs: 20_000 });
  deviceId = registry.pinHostKey(board.id, sshd.hostFingerprint()).id;
}, 120_000);

afterAll(async () => {
  await sshd?.stop();
  ortCleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function withBudget(id: string): string {
  const doc = JSON.parse(readFileSync(join(EXAMPLES, `${id}.json`), 'utf8')) as { nodes: { id: string; kind: string; params: Record<string, unknown> }[] };
  for (const node of doc.nodes) {
    Object.assign(node.params, BUDGETS[id]?.[node.id] ?? {});
    if (node.kind === 'profile') node.params.device = deviceId;
  }
  const path = join(dir, 'examples', `${id}.json`);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

describe('bundled examples run headless', () => {
  it('has a budget for every example other than the LeNet-5 ones', () => {
    const ids = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(ids.filter((id) => !BUDGETS[id] && !id.startsWith('lenet5-') && id !== 'lenet5')).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(Object.keys(BUDGETS)));
  });

  for (const id of Object.keys(BUDGETS)) {
    it(`${id} completes through \`whittle run\``, async () => {
      // The copies live beside a copy of resources/models, which a pipeline outside it must be allowed to read.
      const res = await runWhittle(['run', withBudget(id), '--json', '--out', join(dir, 'out', id), '--allow-path', join(dir, 'models')], { cwd: dir, env: { WHITTLE_HOME: join(dir, 'home') } });
      const record = JSON.parse(res.stdout) as RunRecord;
      const failed = Object.values(record.nodes ?? {}).filter((n) => !nodeSucceeded(n.status)).map((n) => `${n.nodeId}: ${n.status} ${n.error?.message ?? ''}`);
      expect(failed, res.stderr.slice(-2000)).toEqual([]);
      expect(record.status).toBe('done');
      expect(res.code).toBe(0);
      // Amber is allowed only with its cause written down.
      for (const n of Object.values(record.nodes)) if (n.status === 'warning') expect(n.warnings?.length).toBeGreaterThan(0);
      if (id === 'mobilenetv2-end-to-end') {
        expect(record.nodes.profile.outputs.profile.type).toBe('profile');
        expect(record.nodes.profile.metrics.p50Ms).toBeGreaterThan(0);
        expect(record.nodes['eval-int8'].metrics.top1).toEqual(expect.any(Number));
      }
    }, 900_000);
  }
});
