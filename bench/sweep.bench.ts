// `npm run bench sweep`: one sweep of 48 MobileNetV2 variants (prune sparsity x share k x
// quantize mode, each evaluated and benchmarked) run three ways: one engine process,
// the local pool, and three `whittle worker`s on one redis-server (loopback). Prints wall
// times, speed-ups, the scheduler's overhead per job (time a job held its process or worker
// beyond its handler: sending, loading, caching, moving files), the bytes moved, and the
// handler time per job kind (where a variant's time goes), with the machine and its load.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { EngineRunner, type StartOptions } from '../src/main/engine/runner.ts';
import type { JobTiming } from '../src/main/engine/scheduler.ts';
import { connectQueue, type QueueCoordinator } from '../src/main/scale/queue-coordinator.ts';
import { RunHistory } from '../src/main/store/runs.ts';
import { CATALOG } from '../src/shared/catalog/index.ts';
import type { PipelineDocument } from '../src/shared/pipeline/document.ts';
import { MOBILENET_FIXTURE } from '../test/fixtures-path.ts';
import { REDIS_SERVER, RedisServer, startWorker, stopWorker } from '../test/scale/redis-harness.ts';

/**
 * WHITTLE_BENCH_SWEEP=small: one sparsity (12 variants), for a machine too busy for 48;
 * =tiny: one sparsity and one k (4 variants, one per quantize mode), to profile the jobs.
 */
const SIZE = process.env.WHITTLE_BENCH_SWEEP ?? 'full';
const SPARSITIES = SIZE === 'full' ? [0.2, 0.4, 0.6, 0.8] : [0.5];
const KS = SIZE === 'tiny' ? [16] : [8, 16, 32];
const MODES = ['static', 'dynamic', 'fp16', 'int4'];
const WORKERS = 3;

/**
 * The sweep: 4 x 3 x 4 = 48 variants; prune and share touch the layers of 100k weights or
 * more (the bulk of the model); 8 synthetic samples for calibration and evaluation, 5 timed runs.
 */
function sweepDocument(): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: 2, name: 'MobileNetV2 sweep',
    sweep: { sampling: 'product', maxVariants: 64, seed: 1 },
    nodes: [
      { id: 'model', kind: 'model.onnx', params: { path: 'mobilenet.onnx' } },
      { id: 'data', kind: 'dataset.synthetic', params: { shape: '3, 224, 224', count: 8, numClasses: 1000, seed: 1 } },
      { id: 'prune', kind: 'prune', params: { method: 'magnitude', minSize: 100_000 }, sweeps: { sparsity: { kind: 'list', values: SPARSITIES } } },
      { id: 'share', kind: 'share', params: { storage: 'dense', minSize: 100_000 }, sweeps: { k: { kind: 'list', values: KS } } },
      { id: 'quantize', kind: 'quantize', params: { calibrationSamples: 8 }, sweeps: { mode: { kind: 'list', values: MODES } } },
      { id: 'eval', kind: 'evaluate', params: { limit: 8, batchSize: 8 } },
      { id: 'bench', kind: 'benchmark', params: { warmupRuns: 1, runs: 5 } },
    ],
    edges: [
      { from: ['model', 'model'], to: ['prune', 'model'] },
      { from: ['prune', 'model'], to: ['share', 'model'] },
      { from: ['share', 'model'], to: ['quantize', 'model'] },
      { from: ['data', 'dataset'], to: ['quantize', 'calibration'] },
      { from: ['quantize', 'model'], to: ['eval', 'model'] },
      { from: ['data', 'dataset'], to: ['eval', 'dataset'] },
      { from: ['quantize', 'model'], to: ['bench', 'model'] },
    ],
  } as PipelineDocument;
}

interface Outcome { label: string; wallMs: number; jobs: number; overheadMs: number; bytes: string; status: string; load: string; profile: KindProfile[] }

/** Handler time per job kind (quantize per mode): where a variant's time goes. */
interface KindProfile { kind: string; jobs: number; totalMs: number; medianMs: number; overheadMs: number }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

function kindProfile(timings: JobTiming[], nodes: readonly { id: string; kind: string; params?: Record<string, unknown> }[]): KindProfile[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const groups = new Map<string, JobTiming[]>();
  for (const t of timings) {
    const node = byId.get(t.nodeId);
    const kind = node ? (node.kind === 'quantize' ? `quantize ${String(node.params?.mode)}` : node.kind) : t.nodeId;
    groups.set(kind, [...(groups.get(kind) ?? []), t]);
  }
  return [...groups].map(([kind, ts]) => ({
    kind, jobs: ts.length, totalMs: ts.reduce((a, t) => a + t.durationMs, 0),
    medianMs: median(ts.map((t) => t.durationMs)), overheadMs: median(ts.map((t) => t.slotMs - t.durationMs)),
  }));
}

function autogroupScheduling(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false; // not Linux
  }
}

/** The machine the figures come from: without it (and its load) a wall time says little. */
function machine(atStart: boolean): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const line = `${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`;
  // With autogroup scheduling, a busy machine gives this bench one session's share of the CPU
  // however many processes it runs: the pool and the workers cannot show a speed-up then.
  // At the end the load is the bench's own.
  return atStart && loadavg()[0] > 1 && autogroupScheduling() ? `${line}; BUSY: other sessions share the cores (autogroup scheduling), so speed-ups are not meaningful` : line;
}

async function runOnce(dir: string, label: string, start: StartOptions, coordinators: QueueCoordinator[] = []): Promise<Outcome> {
  const timings: JobTiming[] = [];
  const tag = label.replace(/\W+/g, '-');
  const runner = new EngineRunner({
    catalog: CATALOG, history: new RunHistory(join(dir, `runs-${tag}`)), cacheDir: join(dir, `cache-${tag}`), whittleVersion: 'bench',
    jobTiming: (t) => timings.push(t),
    remote: async (url, plan) => {
      const c = await connectQueue(url, plan);
      coordinators.push(c);
      return c;
    },
  });
  const t0 = Date.now();
  const loadBefore = loadavg()[0];
  const record = await runner.wait(await runner.start(sweepDocument(), { documentPath: join(dir, 'sweep.json'), ...start }));
  const wallMs = Date.now() - t0;
  runner.dispose();
  const moved = coordinators.reduce((sum, c) => sum + c.stats.bytesSent + c.stats.bytesReceived, 0);
  return {
    label, wallMs, jobs: timings.length, status: record.status,
    // Other work on the machine takes its share of the cores: the speed-ups mean little without it.
    load: `${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
    overheadMs: median(timings.map((t) => t.slotMs - t.durationMs)),
    profile: kindProfile(timings, record.document.nodes),
    bytes: coordinators.length ? `${(moved / 1e6).toFixed(1)} MB` : '0 (one disk)',
  };
}

export default async function sweepBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-sweep-'));
  copyFileSync(MOBILENET_FIXTURE, join(dir, 'mobilenet.onnx'));
  const cores = availableParallelism();
  console.log(`${SPARSITIES.length * KS.length * MODES.length} variants of MobileNetV2 (prune ${SPARSITIES.length} x share ${KS.length} x quantize ${MODES.length}; evaluate on 8 samples, benchmark 5 runs) on ${cores} cores`);
  console.log(`Machine: ${machine(true)}`);
  const rows: Outcome[] = [];
  // Each row as it comes: on a busy machine a whole bench takes long, and a row is a figure.
  const print = (r: Outcome) => {
    console.log(`${r.label}: ${(r.wallMs / 1000).toFixed(1)} s wall, ${(rows[0].wallMs / r.wallMs).toFixed(2)}x, ${r.jobs} jobs, median overhead ${r.overheadMs} ms/job, ${r.bytes} moved, ${r.status}, load ${r.load}`);
    console.log(`  handler time per kind: ${r.profile.map((p) => `${p.kind} ${p.jobs} x ${(p.medianMs / 1000).toFixed(2)} s = ${(p.totalMs / 1000).toFixed(1)} s (+${p.overheadMs} ms)`).join('; ')}`);
  };
  const add = (r: Outcome) => { rows.push(r); print(r); };
  try {
    add(await runOnce(dir, '1 engine process', { poolSize: 1 }));
    const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'probe')), cacheDir: join(dir, 'probe'), whittleVersion: 'bench' });
    const { poolSize, threads } = runner.sizing();
    add(await runOnce(dir, `local pool (${poolSize} x ${threads} thread${threads > 1 ? 's' : ''})`, {}));
    if (!existsSync(REDIS_SERVER)) {
      console.log(`(no ${REDIS_SERVER}: the queue row is left out; apt-get install redis-server)`);
    } else {
      mkdirSync(join(dir, 'redis'));
      const redis = await RedisServer.start(join(dir, 'redis'));
      const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(redis.url, join(dir, `worker${i}`))));
      try {
        add(await runOnce(dir, `${WORKERS} workers on one Redis`, { queue: redis.url }));
      } finally {
        await Promise.all(workers.map(stopWorker));
        await redis.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rows[0].wallMs;
  console.log(`Machine: ${machine(false)}`);
  console.log('| how | wall | speed-up | jobs run | overhead per job (median) | bytes moved | status | load average (start -> end) |');
  console.log('|---|---:|---:|---:|---:|---:|---|---|');
  for (const r of rows) {
    console.log(`| ${r.label} | ${(r.wallMs / 1000).toFixed(1)} s | ${(base / r.wallMs).toFixed(2)}x | ${r.jobs} | ${r.overheadMs} ms | ${r.bytes} | ${r.status} | ${r.load} |`);
  }
  printProfiles(rows);
}

/** Where the time went, per job kind: median handler time and the kind's total, per configuration. */
function printProfiles(rows: Outcome[]): void {
  const kinds = [...new Set(rows.flatMap((r) => r.profile.map((p) => p.kind)))];
  console.log(`| job kind | ${rows.map((r) => `${r.label}: jobs x median = total`).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---:').join('|')}|`);
  for (const kind of kinds) {
    const cells = rows.map((r) => {
      const p = r.profile.find((x) => x.kind === kind);
      return p ? `${p.jobs} x ${(p.medianMs / 1000).toFixed(2)} s = ${(p.totalMs / 1000).toFixed(1)} s` : '-';
    });
    console.log(`| ${kind} | ${cells.join(' | ')} |`);
  }
}
