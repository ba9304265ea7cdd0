// `whittle run <pipeline.json> [--json] [--out DIR] [--best LIMITS]`: validate, run in the
// engine process with progress per node, print the run record (--json) or a summary (for a
// sweep: the Pareto front; --best exports the best variant under the limits); exit 0 when
// every node is done (with or without warnings) or cached, 1 otherwise, 130 when cancelled.
import type { Command } from 'commander';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunEvent, RunRecord } from '../../../shared/api/run.ts';
import { parseConstraints, type Constraint } from '../../../shared/api/sweep-constraints.ts';
import { sweepOutcome } from '../../../shared/api/sweep-results.ts';
import { hasSweeps } from '../../../shared/pipeline/sweep.ts';
import type { ApiService } from '../../api/service.ts';
import { toErrorData, WhittleError } from '../../../shared/errors.ts';
import { formatProblem, reportError } from '../api.ts';
import { openForCli, outsideFilesAdvice } from '../open.ts';
import { barProgress, plainProgress, type ProgressView } from '../progress.ts';
import { runSummary } from '../summary.ts';
import { exportBest, sweepSummary } from '../sweep-report.ts';

interface RunOptions {
  json?: boolean;
  out?: string;
  allowPath?: string[];
  best?: string;
  pool?: string;
  threads?: string;
  queue?: string;
  storeHost?: string;
}

/** A whole number in [1, max] from a flag, or a WhittleError naming the flag. */
function countFlag(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new WhittleError('cli.bad-option', `--${name} must be a whole number from 1 to ${max}, not "${value}".`, `Leave --${name} out to use the machine's default.`);
  return n;
}

/** --out must be a folder Whittle can write: found before the run, not at its last node. */
function checkOutDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new WhittleError('cli.out-not-writable', `--out ${dir} is not a folder Whittle can write to (${code}).`, 'Choose a writable folder for --out, or leave --out out to export to whittle-out/<run> next to the pipeline.');
  }
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a pipeline file and report per-node results.')
    .argument('<pipeline>', 'pipeline .json file')
    .option('--json', 'print the run record as JSON on stdout (progress goes to stderr)')
    .option('--out <dir>', 'folder for exported files (default: whittle-out/<run> next to the pipeline)')
    .option('--allow-path <path...>', 'files or folders outside the pipeline folder that nodes may use')
    .option('--pool <n>', 'engine processes running nodes at once (default: the cores, at most 4)')
    .option('--threads <n>', 'ONNX Runtime threads per node (default: cores / default pool)')
    .option('--queue <url>', 'run nodes on `whittle worker`s of this BullMQ queue, redis://HOST:PORT')
    .option('--store-host <addr>', 'address the artifact store serves workers on (default 127.0.0.1)')
    .option('--best <limits>', "swept pipelines: export the most accurate variant within limits, e.g. 'drop<=0.5,p50<=5ms,size<=200KB'")
    .action(async (file: string, opts: RunOptions) => {
      process.exitCode = await runCommand(file, opts);
    });
}

async function runCommand(file: string, opts: RunOptions): Promise<number> {
  const err = process.stderr;
  try {
    // Limits are checked before anything runs: a typo must not cost a whole sweep.
    const constraints = opts.best !== undefined ? parseConstraints(opts.best) : null;
    const poolSize = countFlag('pool', opts.pool, 64);
    const threads = countFlag('threads', opts.threads, 256);
    if (opts.storeHost) process.env.WHITTLE_STORE_HOST = opts.storeHost;
    const opened = await openForCli(file, opts.allowPath, opts.out);
    const { api } = opened;
    if (!opened.document || opened.problems.length > 0) {
      err.write(`whittle: ${opened.path} cannot run: ${opened.problems.length} problem${opened.problems.length === 1 ? '' : 's'}\n${opened.problems.map(formatProblem).join('\n')}\n${outsideFilesAdvice(opened)}`);
      api.dispose();
      if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, problems: opened.problems }, null, 2)}\n`);
      return 1;
    }
    const stream = opts.json ? process.stderr : process.stdout;
    const nodeIds = opened.document.nodes.map((n) => n.id);
    // A sweep's nodes are cloned per variant: too many for a bar each.
    const view: ProgressView = (stream as NodeJS.WriteStream).isTTY && !hasSweeps(opened.document) ? barProgress(stream, nodeIds) : plainProgress(stream);
    let runId = '';
    const early: RunEvent[] = [];
    api.on('run.event', (e) => {
      if (!runId) early.push(e);
      else if (e.runId === runId) view.onEvent(e);
    });
    let interrupted = 0;
    process.on('SIGINT', () => {
      interrupted++;
      if (interrupted > 1) process.exit(130);
      err.write('\nCancelling the run (Ctrl+C again to quit at once)…\n');
      if (runId) api.ctx.runner.cancel(runId);
    });
    const startRun = async (document: RunRecord['document']) => (await api.call('runs.start', {
      document,
      documentPath: opened.path,
      ...(opts.out ? { outDir: resolve(opts.out) } : {}),
      ...(opened.allowedPaths.length > 0 ? { allowedPaths: opened.allowedPaths } : {}),
      ...(poolSize ? { poolSize } : {}),
      ...(threads ? { threads } : {}),
      ...(opts.queue ? { queue: opts.queue } : {}),
    })).runId;
    if (opts.out) checkOutDir(resolve(opts.out));
    runId = await startRun(opened.document);
    for (const e of early) if (e.runId === runId) view.onEvent(e);
    if (interrupted) api.ctx.runner.cancel(runId);
    const record = await api.ctx.runner.wait(runId);
    view.stop();
    const outcome = sweepOutcome(record);
    if (opts.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else process.stdout.write(`${outcome ? sweepSummary(record, outcome) : runSummary(record)}\n`);
    if (record.status === 'cancelled') return 130;
    if (constraints && !interrupted) return await exportWinner(api, record, constraints, startRun, opts.json ? err : process.stdout);
    return record.status === 'done' ? 0 : 1;
  } catch (e) {
    if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorData(e) }, null, 2)}\n`);
    return reportError(e);
  }
}

/** --best after the sweep: a sweep with failed variants still picks among those that finished. */
async function exportWinner(api: ApiService, record: RunRecord, constraints: Constraint[], start: (doc: RunRecord['document']) => Promise<string>, out: NodeJS.WritableStream): Promise<number> {
  const best = await exportBest(api, record, constraints, async (doc) => api.ctx.runner.wait(await start(doc)));
  const settings = Object.entries(best.variant.settings).map(([k, v]) => `${k}=${v}`).join(', ');
  out.write(`Best under ${constraints.map((c) => c.text).join(', ')}: ${best.variant.id} (${settings})\n`);
  for (const file of best.written) out.write(`  exported ${file} (run ${best.runId})\n`);
  return 0;
}
