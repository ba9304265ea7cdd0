// `whittle worker`'s engine room (DESIGN.md §10): takes node jobs from the BullMQ queue, fetches
// their files from the run's artifact store (cached here by hash), runs each in a local pool of
// engine processes, uploads the results, and beats a heartbeat the Workers panel shows. A
// node's own failure is its result (running it again gives the same error); a lost engine,
// a timeout or a broken transfer fails the attempt, and BullMQ retries it with backoff.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { WhittleError } from '../../shared/errors.ts';
import { EnginePool } from '../engine/pool.ts';
import { forkSpawner, type EngineSpawner } from '../engine/spawn.ts';
import { ArtifactClient } from './artifact-client.ts';
import type { QueueJobData } from './queue-coordinator.ts';
import { CANCEL_CHANNEL, connectRedis, QUEUE_NAME, WORKER_KEY_PREFIX } from './redis.ts';
import { exportEnd, importJob, type RemoteEnd } from './remote-job.ts';
import type { WorkerBeat } from '../../shared/api/workers.ts';

export interface QueueWorkerOptions {
  url: string;
  /** Nodes this worker runs at once (engine processes). */
  concurrency: number;
  /** Where fetched artifacts and this worker's node cache live. */
  cacheDir: string;
  spawner?: EngineSpawner;
  /** This worker's plugin modules (WHITTLE_PLUGINS), imported by its engines. */
  handlerModules?: string[];
  /** A job whose worker stops renewing its lock this long is handed to another worker (default 10 s, WHITTLE_QUEUE_LOCK_MS). */
  lockDurationMs?: number;
  log?: (line: string) => void;
}

const HEARTBEAT_MS = 1000;
const HEARTBEAT_TTL_MS = 5000;

export interface QueueWorker {
  id: string;
  close(): Promise<void>;
}

interface WorkerState {
  o: QueueWorkerOptions;
  redis: Redis;
  beat: WorkerBeat;
  pool: EnginePool;
  log: (line: string) => void;
}

/** Runs one node job: fetch its files, run it in the pool, send its results back. */
async function runJob(w: WorkerState, job: Job<QueueJobData>, signal?: AbortSignal): Promise<RemoteEnd> {
  const { o, beat, log } = w;
  const { node } = job.data.job;
  const entry = { runId: job.data.job.runId, nodeId: node.id, kind: node.kind, startedAtMs: Date.now() };
  beat.running.push(entry);
  // Beat at once when a node starts or ends: a node shorter than the beat interval still shows.
  void sendBeat(w.redis, beat);
  log(`running ${node.id} (${node.kind}) of run ${entry.runId}, attempt ${job.attemptsMade + 1}`);
  const workDir = await mkdtemp(join(o.cacheDir, 'jobs', 'job-'));
  const stop = new AbortController();
  const timeout = setTimeout(() => stop.abort(new Error('timeout')), job.data.timeoutMs);
  signal?.addEventListener('abort', () => stop.abort(new Error('cancelled')), { once: true });
  try {
    const client = new ArtifactClient(join(o.cacheDir, 'blobs'), job.data.store);
    const local = await importJob(job.data, client, { cacheDir: join(o.cacheDir, 'nodes'), workDir, handlerModules: o.handlerModules ?? [] });
    const end = await w.pool.run(local, { threads: local.threads, memoryBytes: 0, poolSize: o.concurrency }, (event) => void job.updateProgress({ event }).catch(() => undefined), stop.signal);
    const timedOut = stop.signal.reason instanceof Error && stop.signal.reason.message === 'timeout';
    // The run was cancelled: nobody wants another attempt.
    if (end.type === 'job.failed' && end.cancelled && !timedOut) throw new UnrecoverableError(`Node "${node.id}" was cancelled on worker ${beat.id}.`);
    if (end.type === 'job.failed' && (end.cancelled || end.error.code === 'engine.crashed')) {
      const why = timedOut ? `it ran longer than ${Math.round(job.data.timeoutMs / 1000)} s` : end.error.message;
      throw new WhittleError(timedOut ? 'queue.job-timeout' : end.error.code, `Node "${node.id}" stopped on worker ${beat.id}: ${why}`);
    }
    const out = await exportEnd(end, local, client, entry.startedAtMs);
    beat.jobsDone++;
    log(`${end.type === 'job.done' ? 'finished' : 'failed'} ${node.id}`);
    return out;
  } catch (err) {
    beat.failures++;
    log(`attempt failed for ${node.id}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  } finally {
    clearTimeout(timeout);
    beat.running.splice(beat.running.indexOf(entry), 1);
    void sendBeat(w.redis, beat);
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const redis = await connectRedis(o.url);
  const subscriber = await connectRedis(o.url);
  const id = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const cores = availableParallelism();
  const beat: WorkerBeat = { id, host: hostname(), pid: process.pid, cores, concurrency: o.concurrency, running: [], jobsDone: 0, failures: 0, startedAtMs: Date.now(), lastSeenMs: Date.now() };
  const log = o.log ?? (() => undefined);
  const pool = new EnginePool({ spawner: o.spawner ?? forkSpawner(), cores, cancelGraceMs: 500 });
  await mkdir(join(o.cacheDir, 'jobs'), { recursive: true });
  const state: WorkerState = { o, redis, beat, pool, log };
  const processor = (job: Job<QueueJobData>, _token?: string, signal?: AbortSignal) => runJob(state, job, signal);

  const lockDuration = o.lockDurationMs ?? (Number(process.env.WHITTLE_QUEUE_LOCK_MS) || 10_000);
  const worker = new Worker<QueueJobData, RemoteEnd>(QUEUE_NAME, processor, {
    connection: redis, concurrency: o.concurrency,
    lockDuration, stalledInterval: Math.max(1000, lockDuration / 2), maxStalledCount: 3,
  });
  worker.on('error', (err) => log(`queue: ${err.message}`));
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, 'the run was cancelled')) log(`cancelled ${jobId}`);
  });
  const heartbeat = setInterval(() => void sendBeat(redis, beat), HEARTBEAT_MS);
  await sendBeat(redis, beat);
  return {
    id,
    async close() {
      clearInterval(heartbeat);
      await worker.close().catch(() => undefined);
      await redis.del(`${WORKER_KEY_PREFIX}${id}`).catch(() => 0);
      pool.trim(0);
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

async function sendBeat(redis: Redis, beat: WorkerBeat): Promise<void> {
  beat.lastSeenMs = Date.now();
  // Not while Redis is away: ioredis would queue beats and replay stale ones.
  if (redis.status !== 'ready') return;
  await redis.set(`${WORKER_KEY_PREFIX}${beat.id}`, JSON.stringify(beat), 'PX', HEARTBEAT_TTL_MS).catch(() => undefined);
}
