// Host latency against a "board" that is this same machine over loopback SSH (a real sshd,
// the node + onnxruntime-node runner), MobileNetV2 fixture, batch 1: with the shared
// thread default the two p50s should agree within noise; the board's old default (ORT
// picks the threads) is printed beside them for reference.
import { join, resolve } from 'node:path';
import { measureLatency } from '../src/main/runtime/latency.ts';
import { profileOnBoard } from '../src/main/devices/profile.ts';
import { RUNTIME_THREADS_PARAM } from '../src/shared/catalog/benchmark.ts';
import { fixtureModel } from '../test/fixtures-path.ts';
import { boardOrtPath, startSshd, TEST_USER } from '../test/devices/sshdHarness.ts';

const REPO = resolve(import.meta.dirname, '..');
const WARMUP = 10;
const RUNS = 100;

export default async function latencyParity(): Promise<void> {
  const model = fixtureModel('mobilenet_v2-random.onnx');
  const sshd = await startSshd();
  const ort = boardOrtPath(join(REPO, 'node_modules'));
  try {
    const device = {
      id: 'loopback', name: 'this machine over loopback SSH', transport: 'ssh' as const, host: '127.0.0.1', port: sshd.port, user: TEST_USER,
      auth: { kind: 'key' as const, keyPath: sshd.keyPath, hasPassphrase: false }, ortNodePath: ort.path, timeoutMs: 10_000,
      hostKeySha256: sshd.hostFingerprint(), // our own sshd: its key is the one it just made
    };
    const board = async (threads: number) => profileOnBoard({
      device, secrets: {}, modelPath: model, modelLabel: 'MobileNetV2', modelSha256: 'bench', runner: 'node-ort', precision: 'fp32', sparsity: false,
      warmupRuns: WARMUP, runs: RUNS, threads, runnersDir: join(REPO, 'resources/runners'), lookup: async () => '127.0.0.1',
    });
    const t = RUNTIME_THREADS_PARAM.default;
    console.log(`\nMobileNetV2 fixture, batch 1, ${WARMUP} warm-up + ${RUNS} timed runs, same machine (${t} = the shared thread default)`);
    console.log('where                              | threads |  p50 ms |  p90 ms');
    const rows: [string, number, { p50: number; p90?: number }][] = [];
    const host = await measureLatency(model, { threads: t, warmupRuns: WARMUP, runs: RUNS });
    rows.push(['host latency (in-process)', t, { p50: host.p50Ms, p90: host.p90Ms }]);
    const same = await board(t);
    rows.push(['board over loopback SSH (node-ort)', same.threads ?? -1, same.latencyMs]);
    const old = await board(0);
    rows.push(['board, ORT default threads (old)', 0, old.latencyMs]);
    for (const [where, threads, l] of rows) console.log(`${where.padEnd(34)} | ${String(threads).padStart(7)} | ${l.p50.toFixed(2).padStart(7)} | ${(l.p90 ?? Number.NaN).toFixed(2).padStart(7)}`);
    console.log(`board / host p50 at the shared default: ${(same.latencyMs.p50 / host.p50Ms).toFixed(2)}x; with the old board default: ${(old.latencyMs.p50 / host.p50Ms).toFixed(2)}x`);
  } finally {
    ort.cleanup();
    await sshd.stop();
  }
}
