// `whittle worker --queue redis://HOST:PORT [--concurrency N] [--cache DIR]`: run pipeline
// nodes that coordinators (`whittle run --queue`, the app) put on a BullMQ queue, until
// Ctrl+C or SIGTERM; a job it holds when killed goes to another worker.
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { WhittleError } from '../../../shared/errors.ts';
import { dataPaths } from '../../store/home.ts';
import { startQueueWorker } from '../../scale/queue-worker.ts';
import { reportError } from '../api.ts';

interface WorkerOptions {
  queue: string;
  concurrency?: string;
  cache?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run pipeline nodes taken from a BullMQ queue on Redis (for `whittle run --queue`).')
    .requiredOption('--queue <url>', 'the queue\'s Redis, redis://HOST:PORT')
    .option('--concurrency <n>', 'nodes to run at once (default: 1)')
    .option('--cache <dir>', 'where fetched models and results are kept (default: <WHITTLE_HOME>/worker-cache)')
    .action(async (opts: WorkerOptions) => {
      process.exitCode = await workerCommand(opts);
    });
}

async function workerCommand(opts: WorkerOptions): Promise<number> {
  try {
    const concurrency = opts.concurrency === undefined ? 1 : Number(opts.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > availableParallelism() * 4) {
      throw new WhittleError('cli.bad-option', `--concurrency must be a whole number from 1 to ${availableParallelism() * 4}, not "${opts.concurrency}".`, 'Nodes at once; usually the cores divided by the threads a node uses.');
    }
    const cacheDir = resolve(opts.cache ?? join(dataPaths().home, 'worker-cache'));
    const handlerModules = (process.env.WHITTLE_PLUGINS ?? '').split(delimiter).filter(Boolean).map((p) => resolve(p));
    const worker = await startQueueWorker({
      url: opts.queue, concurrency, cacheDir, handlerModules,
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
    process.stdout.write(`whittle worker ${worker.id}: ${concurrency} at once, waiting for nodes on ${opts.queue}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.stdout.write('whittle worker: stopping (the job in hand is finished or handed back)\n');
        void worker.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
