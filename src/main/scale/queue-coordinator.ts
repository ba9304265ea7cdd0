// The coordinator's side of a queue run (DESIGN.md §10): ready nodes become BullMQ jobs that
// `whittle worker`s take; their files move through this run's artifact store. BullMQ retries
// a failed attempt with backoff and hands a dead worker's job to another; this side watches
// Redis itself: when it goes away the run waits for it (and adds again any job the outage
// lost), and fails cleanly when it stays away too long.
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunEvent } from '../../shared/api/run.ts';
import type { ErrorData } from '../../shared/errors.ts';
import type { JobDemand } from '../engine/pool.ts';
import type { JobEnd, NodeJob, RunPlan } from '../engine/protocol.ts';
import type { RemoteTarget } from '../engine/runner.ts';
import { ArtifactStore } from './artifact-store.ts';
import { CANCEL_CHANNEL, connectRedis, QUEUE_NAME } from './redis.ts';
import { exportJob, importEnd, type RemoteEnd, type RemoteJob } from './remote-job.ts';

export interface QueueRunOptions {
  /** Address the store listens on, and the one workers are told (default: loopback). */
  storeHost?: string;
  storeAdvertise?: string;
  /** How long Redis may stay away before the run fails (default 60 s, WHITTLE_QUEUE_OUTAGE_MS). */
  outageMs?: number;
  /** A job attempt that runs longer is stopped and retried (default 30 min, WHITTLE_JOB_TIMEOUT_MS). */
  jobTimeoutMs?: number;
  attempts?: number;
}

/** Job data: the portable job and how long an attempt may take. */
export interface QueueJobData extends RemoteJob {
  timeoutMs: number;
}

interface Pending {
  jobId: string;
  job: NodeJob;
  data: QueueJobData;
  onEvent: (event: RunEvent) => void;
  resolve: (end: JobEnd) => void;
}

const RECONCILE_MS = 1000;

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Traffic of a queue run, for the bench and the run's log. */
export interface QueueStats { bytesSent: number; bytesReceived: number; jobs: number }

export class QueueCoordinator implements RemoteTarget {
  private readonly pending = new Map<string, Pending>();
  private readonly hashes = new Map<string, string>();
  /** Jobs whose results are being stored: a second look (event and reconcile) waits. */
  private readonly importing = new Set<string>();
  private downSinceMs: number | null = null;
  private reconciling = false;
  private timer: NodeJS.Timeout | null = null;
  readonly stats: QueueStats = { bytesSent: 0, bytesReceived: 0, jobs: 0 };

  private constructor(
    private readonly url: string,
    private readonly plan: RunPlan,
    private readonly redis: Redis,
    private readonly eventsRedis: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly store: ArtifactStore,
    private readonly address: { url: string; token: string },
    private readonly opts: Required<Pick<QueueRunOptions, 'outageMs' | 'jobTimeoutMs' | 'attempts'>>,
  ) {
    events.on('progress', ({ jobId, data }) => {
      const event = (data as { event?: RunEvent } | null)?.event;
      if (event) this.pending.get(jobId)?.onEvent(event);
    });
    // Connection errors surface as the outage below, not as unhandled 'error' events.
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    events.on('completed', ({ jobId }) => void this.check(jobId));
    events.on('failed', ({ jobId }) => void this.check(jobId));
    redis.on('close', () => this.lost());
    redis.on('ready', () => this.back());
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
  }

  static async open(url: string, plan: RunPlan, o: QueueRunOptions = {}): Promise<QueueCoordinator> {
    const redis = await connectRedis(url);
    const eventsRedis = await connectRedis(url).catch((err: unknown) => { redis.disconnect(); throw err; });
    const queue = new Queue(QUEUE_NAME, { connection: redis });
    const events = new QueueEvents(QUEUE_NAME, { connection: eventsRedis });
    await events.waitUntilReady();
    const store = new ArtifactStore(join(plan.cacheDir, 'blobs'));
    // Loopback unless told: workers on other machines need WHITTLE_STORE_HOST (and _ADVERTISE behind NAT).
    const host = o.storeHost ?? process.env.WHITTLE_STORE_HOST ?? '127.0.0.1';
    const address = await store.listen(host, o.storeAdvertise ?? process.env.WHITTLE_STORE_ADVERTISE ?? host);
    return new QueueCoordinator(url, plan, redis, eventsRedis, queue, events, store, address, {
      outageMs: o.outageMs ?? envMs('WHITTLE_QUEUE_OUTAGE_MS', 60_000),
      jobTimeoutMs: o.jobTimeoutMs ?? envMs('WHITTLE_JOB_TIMEOUT_MS', 30 * 60_000),
      attempts: o.attempts ?? 3,
    });
  }

  async run(job: NodeJob, _demand: JobDemand, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<JobEnd> {
    const remote = await exportJob(job, this.store, this.address, this.hashes);
    // BullMQ reserves ':' in ids; run ids and node ids never hold '|'.
    const jobId = `${job.runId}|${job.node.id}`.replace(/:/g, '_');
    const data: QueueJobData = { ...remote, timeoutMs: this.opts.jobTimeoutMs };
    return new Promise<JobEnd>((resolve) => {
      const onAbort = () => void this.cancel(jobId);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(jobId, { jobId, job, data, onEvent, resolve: (end) => { signal.removeEventListener('abort', onAbort); resolve(end); } });
      this.stats.jobs++;
      void this.add(jobId, data).catch(() => undefined); // a lost add is added again by reconcile
    });
  }

  private add(jobId: string, data: QueueJobData) {
    return this.queue.add('node', data, {
      jobId, attempts: this.opts.attempts, backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: false, removeOnFail: false,
    });
  }

  private settle(jobId: string, end: JobEnd): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    p.resolve(end);
  }

  private failAll(error: ErrorData): void {
    for (const p of [...this.pending.values()]) this.settle(p.jobId, { type: 'job.failed', nodeId: p.job.node.id, error: { ...error, nodeId: p.job.node.id }, cancelled: false });
  }

  /** Looks at one job in Redis; a job gone from Redis (an outage without persistence) is added again. */
  private async check(jobId: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p) return;
    const bull = await this.queue.getJob(jobId);
    if (!bull) {
      p.onEvent({ type: 'log', runId: p.job.runId, atMs: Date.now(), nodeId: p.job.node.id, message: `The queue lost this node's job (Redis at ${this.url} restarted); queued again.` });
      await this.add(jobId, p.data);
      return;
    }
    const state = await bull.getState();
    if (state === 'completed') {
      // The job read above may predate its completion: read it again for the return value.
      const done = bull.returnvalue ? bull : await this.queue.getJob(jobId);
      if (!done?.returnvalue || this.importing.has(jobId)) return;
      this.importing.add(jobId);
      try {
        this.settle(jobId, await importEnd(done.returnvalue as RemoteEnd, p.job, this.store));
      } catch (err) {
        const e = err as { code?: string; message?: string; hint?: string };
        this.settle(jobId, { type: 'job.failed', nodeId: p.job.node.id, cancelled: false, error: { code: e.code ?? 'queue.result-failed', message: e.message ?? String(err), nodeId: p.job.node.id, ...(e.hint ? { hint: e.hint } : {}) } });
      } finally {
        this.importing.delete(jobId);
      }
    } else if (state === 'failed') {
      this.settle(jobId, {
        type: 'job.failed', nodeId: p.job.node.id, cancelled: false,
        error: { code: 'queue.job-failed', nodeId: p.job.node.id, message: `Node "${p.job.node.id}" failed on the queue's workers after ${bull.attemptsMade} attempt${bull.attemptsMade === 1 ? '' : 's'}: ${bull.failedReason}`, hint: 'See the worker\'s output; fix the node or its input and run again.' },
      });
    }
  }

  private async reconcile(): Promise<void> {
    if (this.downSinceMs !== null) {
      const downMs = Date.now() - this.downSinceMs;
      if (downMs > this.opts.outageMs) this.failAll({ code: 'queue.unreachable', message: `The queue's Redis at ${this.url} has been unreachable for ${Math.round(downMs / 1000)} s; the run stopped.`, hint: 'Start redis-server again (or fix the network), then run again: finished nodes come from the cache.' });
      return;
    }
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (const jobId of [...this.pending.keys()]) await this.check(jobId);
    } catch {
      // Redis went away in the middle: the outage handling takes over.
    } finally {
      this.reconciling = false;
    }
  }

  private lost(): void {
    if (this.downSinceMs !== null) return;
    this.downSinceMs = Date.now();
    for (const p of this.pending.values()) p.onEvent({ type: 'log', runId: p.job.runId, atMs: Date.now(), nodeId: p.job.node.id, message: `Lost the queue's Redis at ${this.url}; waiting up to ${Math.round(this.opts.outageMs / 1000)} s for it to return.` });
  }

  private back(): void {
    if (this.downSinceMs === null) return;
    this.downSinceMs = null;
    for (const p of this.pending.values()) p.onEvent({ type: 'log', runId: p.job.runId, atMs: Date.now(), nodeId: p.job.node.id, message: `The queue's Redis at ${this.url} is back; resuming.` });
    void this.reconcile();
  }

  private async cancel(jobId: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.settle(jobId, { type: 'job.failed', nodeId: p.job.node.id, error: { code: 'run.cancelled', message: 'The run was cancelled.' }, cancelled: true });
    // A waiting job is removed; a running one is stopped by its worker (queue-worker.ts).
    await this.redis.publish(CANCEL_CHANNEL, jobId).catch(() => 0);
    await this.queue.remove(jobId).catch(() => 0);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.failAll({ code: 'queue.closed', message: 'The run ended before this node.' });
    this.stats.bytesSent = this.store.bytesSent;
    this.stats.bytesReceived = this.store.bytesReceived;
    if (this.downSinceMs === null) {
      // This run's jobs are of no use to anyone once it is over.
      const ids = this.plan.nodes.map((n) => `${this.plan.runId}|${n.id}`.replace(/:/g, '_'));
      await Promise.race([Promise.all(ids.map((id) => this.queue.remove(id).catch(() => 0))), new Promise((r) => setTimeout(r, 2000))]);
    }
    await Promise.race([Promise.all([this.events.close(), this.queue.close()]).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    this.redis.disconnect();
    this.eventsRedis.disconnect();
    await this.store.close();
  }
}

/** The runner's RemoteConnector for BullMQ. */
export function connectQueue(url: string, plan: RunPlan): Promise<QueueCoordinator> {
  return QueueCoordinator.open(url, plan);
}
