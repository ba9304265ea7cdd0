// Real parts for the queue tests: Debian's redis-server on a free loopback port (no
// persistence, in a temp folder) that can be stopped and started again on the same port,
// and `whittle worker` processes run from the sources.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ROOT } from '../cli/whittle-process.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export class RedisServer {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number, private readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), dir);
    await server.resume();
    return server;
  }

  /** Starts (again) on the same port: an empty Redis, as after a crash without persistence. */
  async resume(): Promise<void> {
    this.proc = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      if (Date.now() > end) throw new Error(`redis-server did not answer on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
  }
}

export interface WorkerProcess {
  proc: ChildProcess;
  output: () => string;
}

/** `whittle worker --queue URL --cache DIR` from the sources; resolves once it waits for nodes. */
export async function startWorker(url: string, cacheDir: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/index.ts'), 'worker', '--queue', url, '--cache', cacheDir], {
    cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  const end = Date.now() + 120_000;
  while (!out.includes('waiting for nodes')) {
    if (proc.exitCode !== null || Date.now() > end) throw new Error(`whittle worker did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, output: () => out };
}

export async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  const gone = new Promise((r) => w.proc.once('exit', r));
  w.proc.kill('SIGTERM');
  const timer = setTimeout(() => w.proc.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}
