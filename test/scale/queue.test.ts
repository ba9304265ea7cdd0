// Many machines through a real BullMQ queue on a real redis-server (loopback, ephemeral
// port) with three `whittle worker` processes: a multi-branch run gives the same models and
// metrics as one engine process; a worker killed with SIGKILL mid-node loses nothing; Redis
// stopped mid-run is reported, and the run resumes when it returns (or fails cleanly when it
// does not). A missing Redis is a clear error naming its URL.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { connectQueue } from '../../src/main/scale/queue-coordinator.ts';
import { listWorkers } from '../../src/main/scale/workers.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { RunEvent, RunRecord } from '../../src/shared/api/run.ts';
import { branchingDocument, fingerprint } from './branching.ts';
import { ROOT } from '../cli/whittle-process.ts';
import { REDIS_SERVER, RedisServer, startWorker, stopWorker, type WorkerProcess } from './redis-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-queue-'));
// Short enough for the kill test, long enough for a loaded 2-core machine to renew it in time.
const WORKER_ENV = { WHITTLE_QUEUE_LOCK_MS: '6000' };
let redis: RedisServer;
const workers: WorkerProcess[] = [];
let reference: Record<string, unknown>;
let runs = 0;

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 120_000, stepMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The failed nodes' errors: the message of a status assertion that fails. */
function failures(record: RunRecord): string {
  return JSON.stringify(Object.values(record.nodes).filter((n) => n.status === 'failed').map((n) => n.error));
}

function workerCache(i: number): string {
  return join(dir, `worker${i}`);
}

/** A coordinator with a cache of its own, so every node of the run goes to the queue. */
function coordinator(): { runner: EngineRunner; events: RunEvent[] } {
  runs++;
  const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, `runs${runs}`)), cacheDir: join(dir, `cache${runs}`), whittleVersion: 'test', remote: connectQueue });
  const events: RunEvent[] = [];
  runner.subscribe((e) => events.push(e));
  return { runner, events };
}

/** Workers keep node results by key: forgotten between runs, so each run computes again. */
function forgetWorkerResults(): void {
  for (let i = 0; i < 4; i++) rmSync(join(workerCache(i), 'nodes'), { recursive: true, force: true });
}

async function queueRun(c: ReturnType<typeof coordinator>, during?: (runId: string) => Promise<void>, doc = branchingDocument(dir)): Promise<RunRecord> {
  forgetWorkerResults();
  const runId = await c.runner.start(doc, { documentPath: join(dir, 'branching.json'), queue: redis.url });
  if (during) await during(runId);
  return c.runner.wait(runId);
}

beforeAll(async () => {
  expect(existsSync(REDIS_SERVER), 'redis-server is installed by scripts/test-prereqs.mjs').toBe(true);
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir);
  redis = await RedisServer.start(redisDir);
  const started = Promise.all([0, 1, 2].map((i) => startWorker(redis.url, workerCache(i), WORKER_ENV)));
  const local = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'runs-local')), cacheDir: join(dir, 'cache-local'), whittleVersion: 'test' });
  const record = await local.wait(await local.start(branchingDocument(dir), { documentPath: join(dir, 'branching.json'), poolSize: 1 }));
  expect(record.status).toBe('done');
  reference = fingerprint(record);
  workers.push(...(await started));
}, 600_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('queue runs on three workers', () => {
  it('a missing Redis is a clear error naming its URL', async () => {
    const { runner } = coordinator();
    const url = `redis://127.0.0.1:${redis.port + 1}`;
    await expect(runner.start(branchingDocument(dir), { documentPath: join(dir, 'branching.json'), queue: url }))
      .rejects.toMatchObject({ code: 'queue.unreachable', message: expect.stringContaining(url) });
    await expect(runner.start(branchingDocument(dir), { queue: 'http://127.0.0.1:1' })).rejects.toMatchObject({ code: 'queue.bad-url' });
    // The CLI says the same, and refuses a pool of none before anything runs.
    writeFileSync(join(dir, 'branching.json'), JSON.stringify(branchingDocument(dir)));
    const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/index.ts'), 'run', join(dir, 'branching.json'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WHITTLE_HOME: join(dir, 'cli-home') } });
    const refused = cli(['--queue', url]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`cannot reach the queue's Redis at ${url}`);
    const none = cli(['--pool', '0']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('--pool must be a whole number from 1 to 64');
  }, 120_000);

  it('a multi-branch run gives the same models and metrics as one engine process, its nodes spread over the workers', async () => {
    const seen = new Set<string>();
    const c = coordinator();
    const record = await queueRun(c, async (runId) => {
      await until(async () => {
        for (const w of await listWorkers(redis.url)) if (w.running.length > 0) seen.add(w.id);
        return !c.runner.isRunning(runId);
      }, 300_000, 200);
    });
    expect(record.status, failures(record)).toBe('done');
    expect(fingerprint(record)).toEqual(reference);
    expect(seen.size).toBeGreaterThan(1);
    // Heartbeats come every second: the last job's count arrives with the next one.
    let beats = await listWorkers(redis.url);
    await until(async () => (beats = await listWorkers(redis.url)).reduce((sum, b) => sum + b.jobsDone, 0) >= 16, 10_000, 200);
    expect(beats).toHaveLength(3);
    expect(beats.every((b) => b.cores > 0 && b.host.length > 0)).toBe(true);
  }, 600_000);

  it('cancel stops the nodes running on workers', async () => {
    const c = coordinator();
    // A long fine-tune: on a quiet machine one epoch ends between two heartbeats, before the
    // test could see it running; hundreds of epochs keep it on its worker until cancelled.
    const record = await queueRun(c, async (runId) => {
      await until(async () => (await listWorkers(redis.url)).some((w) => w.running.some((r) => r.runId === runId && r.nodeId === 'tune')), 300_000, 50);
      expect(c.runner.cancel(runId)).toBe(true);
    }, branchingDocument(dir, { trainEpochs: 500 }));
    expect(record.status).toBe('cancelled');
    expect(record.nodes.tune.status).toBe('cancelled');
    // The worker stops the node (its engine is told, then killed) and takes no new attempt.
    await until(async () => (await listWorkers(redis.url)).every((w) => w.running.length === 0), 30_000, 200);
  }, 600_000);

  it('a worker killed with SIGKILL mid-node has its node run elsewhere, with the same results', async () => {
    const c = coordinator();
    let killedPid = 0;
    const record = await queueRun(c, async () => {
      await until(async () => {
        const busy = (await listWorkers(redis.url)).find((w) => w.running.some((r) => r.nodeId === 'tune'));
        if (!busy) return false;
        killedPid = busy.pid;
        process.kill(busy.pid, 'SIGKILL');
        return true;
      }, 300_000, 50);
    });
    expect(killedPid).toBeGreaterThan(0);
    expect(record.status, failures(record)).toBe('done');
    expect(fingerprint(record)).toEqual(reference);
    const dead = workers.findIndex((w) => w.proc.pid === killedPid);
    expect(dead).toBeGreaterThanOrEqual(0);
    workers[dead] = await startWorker(redis.url, workerCache(3), WORKER_ENV);
  }, 600_000);

  it('Redis stopped mid-run is reported; the run resumes when it returns, with the same results', async () => {
    const c = coordinator();
    const record = await queueRun(c, async (runId) => {
      await until(() => c.events.some((e) => e.runId === runId && e.type === 'started' && e.nodeId === 'tune'), 300_000, 50);
      await redis.stop();
      await until(() => c.events.some((e) => e.type === 'log' && e.message.includes(`Lost the queue's Redis at ${redis.url}`)), 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      await redis.resume();
    });
    expect(record.status, failures(record)).toBe('done');
    // A node whose finished job Redis lost runs again; its worker may answer from its own
    // cache (the same bytes), which the run shows as cached.
    const asDone = (f: Record<string, unknown>) => Object.fromEntries(Object.entries(f).map(([id, n]) => [id, { ...(n as object), status: 'done' }]));
    expect(asDone(fingerprint(record))).toEqual(asDone(reference));
    expect(c.events.some((e) => e.type === 'log' && e.message.includes('is back; resuming'))).toBe(true);
  }, 600_000);

  it('Redis that stays away fails the run cleanly, naming it', async () => {
    process.env.WHITTLE_QUEUE_OUTAGE_MS = '3000';
    const c = coordinator();
    try {
      const record = await queueRun(c, async (runId) => {
        await until(() => c.events.some((e) => e.runId === runId && e.type === 'started'), 300_000, 50);
        await redis.stop();
      });
      expect(record.status).toBe('failed');
      const failed = Object.values(record.nodes).filter((n) => n.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0].error?.code).toBe('queue.unreachable');
      expect(failed[0].error?.message).toContain(redis.url);
      expect(record.error?.code).toBe('queue.unreachable');
    } finally {
      delete process.env.WHITTLE_QUEUE_OUTAGE_MS;
      await redis.resume();
    }
  }, 600_000);
});
