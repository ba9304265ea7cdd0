// Side by side with PyTorch: the same architecture, batch (64), optimizer (Adam) and data (the
// bundled MNIST, written to a temp file both sides read), interleaved pairs at 1 and 2 threads.
// PyTorch is Debian's python3-torch run by bench/torch_ref.py; without it Whittle's figures print alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../src/main/data/mnist.ts';
import { trainModel } from '../src/main/train/trainer.ts';
import { BENCH_MODELS, benchDataset, writeRawDataset, type BenchModel } from './train-models.ts';

const PYTHON = '/usr/bin/python3';
const BATCH = 64;
/**
 * Steps both sides run before timing starts. A fresh training run is slower for its first steps
 * on both sides (ORT's arena and first-touch pages, V8 compiling the loop; PyTorch's allocator and
 * oneDNN's primitive cache): ResNet-small at 2 threads, Whittle's steps in tens: 57 ms, then
 * 43-48 ms; PyTorch alone, 2 threads: 644 and 829 samples/s after 3 steps, 759 and 902 after 20.
 * With 3, the 30 timed steps held much of that. Steady-state throughput is what a training run sees.
 */
const WARMUP_STEPS = 20;
const PAIRS = 3;

/**
 * Timed steps per measurement: a few seconds each on a quiet 2-core machine. The convolutional
 * nets had 10-12 steps (about a second), and a ResNet-small pair then swung ±15% from run to run.
 */
const STEPS: Record<BenchModel['key'], number> = { mlp: 300, lenet5: 120, bncnn: 30, mobilenetv2: 30, resnet: 30 };

/**
 * glibc malloc settings for the PyTorch process. PyTorch's CPU tensors come from malloc, and
 * glibc serves blocks over its mmap threshold (128 KB at start, raised by each such block freed)
 * with fresh mmaps and trims its heap top back to the kernel, so where a run's threshold lands
 * decides whether each step's activations page-fault in anew. On a 2-core VM, one PyTorch process,
 * BN-CNN samples/s: 272-457 at 1 thread and 742-808 at 2 with glibc's defaults, 826-841 and
 * 1419-1460 with these (the ResNet-small's 1-thread figure had ranged 433-1005 across runs).
 * ONNX Runtime allocates from its own arena, so Whittle's side never meets this (its BN-CNN step
 * at 1 thread with the same settings: 61-66 ms against 61-66 without). Pinning the
 * threshold at its maximum and never trimming gives PyTorch its fast case every time.
 */
const TORCH_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024), MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024) };

/**
 * The PyTorch side: torch_ref.py, a fresh process per measurement. (One process serving every
 * measurement slowed down as it went, with nothing else running: ResNet-small at 1 thread, six
 * measurements in a row, 1117, 1087, 1084, 881, 874, 774 samples/s; fresh processes gave
 * 994-1113. Whittle's side holds steady across its pairs in the bench's own process.)
 */
class TorchRef {
  private constructor(readonly version: string) {}

  private static run(args: string[]): Promise<string | undefined> {
    return new Promise((resolve) => {
      execFile(PYTHON, [join(import.meta.dirname, 'torch_ref.py'), ...args], { env: { ...process.env, ...TORCH_MALLOC }, maxBuffer: 1 << 20 }, (err, stdout) => resolve(err ? undefined : stdout.trim().split('\n').pop()));
    });
  }

  /** Undefined where PyTorch cannot be imported (not installed). */
  static async start(): Promise<TorchRef | undefined> {
    const hello = await TorchRef.run(['--version']);
    return hello ? new TorchRef((JSON.parse(hello) as { torch: string }).torch) : undefined;
  }

  async rate(m: BenchModel, files: { inputs: string; labels: string }, threads: number, steps: number): Promise<number> {
    const answer = await TorchRef.run([
      '--model', m.key, '--threads', String(threads), '--inputs', files.inputs, '--labels', files.labels,
      '--shape', m.sampleShape.join(','), '--steps', String(steps), '--warmup', String(WARMUP_STEPS), '--batch', String(BATCH),
    ]);
    if (!answer) throw new Error(`PyTorch's ${m.key} run at ${threads} thread(s) failed: run bench/torch_ref.py with the same arguments to see why.`);
    return (JSON.parse(answer) as { samplesPerSec: number }).samplesPerSec;
  }
}

/** Whittle's samples/s over the steps after the warm-up, the whole trainer loop timed (batch assembly included). */
async function whittleRate(m: BenchModel, ds: ReturnType<typeof benchDataset>, threads: number, steps: number): Promise<number> {
  let started = 0;
  let ended = 0;
  await trainModel(m.build(), ds, {
    epochs: 1, batchSize: BATCH, seed: 1, threads, optimizer: { kind: 'adam', lr: 1e-3 }, schedule: { kind: 'constant' },
    onStep: (step) => {
      if (step === WARMUP_STEPS) started = performance.now();
      if (step === WARMUP_STEPS + steps) ended = performance.now();
    },
  });
  return (steps * BATCH) / ((ended - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * "2 threads / 1 thread, median samples/s: Whittle 1.21x, PyTorch 1.38x": how much each side
 * gains from its second thread, where both counts ran, so the line says which side moved the
 * 2-thread ratio away from the 1-thread one.
 */
function threadScaling(medians: Map<number, { whittle: number; torch?: number }>): string | undefined {
  const counts = [...medians.keys()].sort((a, b) => a - b);
  if (counts.length < 2) return undefined;
  const [low, high] = [medians.get(counts[0])!, medians.get(counts[counts.length - 1])!];
  const sides = [`Whittle ${(high.whittle / low.whittle).toFixed(2)}x`];
  if (low.torch && high.torch) sides.push(`PyTorch ${(high.torch / low.torch).toFixed(2)}x`);
  return `${counts[counts.length - 1]} threads / ${counts[0]} thread${counts[0] > 1 ? 's' : ''}, median samples/s: ${sides.join(', ')}`;
}
const load = () => os.loadavg()[0].toFixed(1);

export async function sideBySide(): Promise<void> {
  const torch = await TorchRef.start();
  if (!torch) {
    console.log(`\nPyTorch not found at ${PYTHON} (install it with: apt-get update && apt-get install -y python3-torch). Whittle alone:`);
  } else {
    console.log(`\nTraining speed side by side, samples/s: Whittle vs PyTorch ${torch.version} CPU (${PYTHON}), batch ${BATCH}, Adam, same data; ${PAIRS} interleaved pairs, median ratio`);
  }
  const wanted = (process.env.BENCH_TRAIN_MODELS ?? '').split(',').filter(Boolean);
  // BENCH_TRAIN_THREADS=1 races one thread count only (a loaded machine: half the wait).
  const threadCounts = (process.env.BENCH_TRAIN_THREADS ?? '1,2').split(',').map(Number).filter((t) => t > 0);
  const mnist = loadMnist('train');
  const dir = mkdtempSync(join(tmpdir(), 'whittle-train-bench-'));
  try {
    for (const m of BENCH_MODELS.filter((x) => wanted.length === 0 || wanted.includes(x.key))) {
      const steps = STEPS[m.key];
      const ds = benchDataset(mnist, m.sampleShape, (WARMUP_STEPS + steps) * BATCH);
      const files = { inputs: join(dir, `${m.key}.f32`), labels: join(dir, `${m.key}.i64`) };
      writeRawDataset(ds, files.inputs, files.labels);
      const medians = new Map<number, { whittle: number; torch?: number }>();
      for (const threads of threadCounts) {
        const ratios: number[] = [];
        const cells: string[] = [];
        const rates: { whittle: number[]; torch: number[] } = { whittle: [], torch: [] };
        for (let pair = 0; pair < PAIRS; pair++) {
          const pt = torch ? await torch.rate(m, files, threads, steps) : undefined;
          const wh = await whittleRate(m, ds, threads, steps);
          rates.whittle.push(wh);
          if (pt) { ratios.push(wh / pt); rates.torch.push(pt); }
          cells.push(pt ? `${wh.toFixed(0)}/${pt.toFixed(0)}` : wh.toFixed(0));
        }
        medians.set(threads, { whittle: median(rates.whittle), torch: rates.torch.length ? median(rates.torch) : undefined });
        const verdict = torch ? `median ${median(ratios).toFixed(2)}x` : '';
        console.log(`  ${m.label.padEnd(30)} ${threads} thread${threads > 1 ? 's' : ' '}  ${cells.map((c) => c.padStart(11)).join(' ')}  ${verdict}  (load ${load()})`);
      }
      const scaling = threadScaling(medians);
      if (scaling) console.log(`  ${''.padEnd(30)} ${scaling}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (torch) console.log('  (each cell: Whittle/PyTorch samples/s of one pair, PyTorch measured first)');
}
