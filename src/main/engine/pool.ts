// The pool of engine processes on this machine (DESIGN.md §10): each process runs one node
// job at a time; a job waits until a process is free and its threads and memory fit beside
// the jobs already running (a lone job always runs). Idle processes stay for the next job
// (module loading costs about a second) until the runner trims them.
import { freemem, totalmem } from 'node:os';
import type { RunEvent } from '../../shared/api/run.ts';
import type { EngineProcess, EngineSpawner } from './spawn.ts';
import type { JobEnd, NodeJob } from './protocol.ts';

/** What a job needs beside its process: ORT threads and an estimate of its peak memory. */
export interface JobDemand {
  threads: number;
  memoryBytes: number;
  /** The most processes this job's run wants busy at once (its pool size). */
  poolSize: number;
}

export interface PoolOptions {
  spawner: EngineSpawner;
  /** Cores the threads of running jobs share. */
  cores: number;
  cancelGraceMs: number;
  /** Free memory now (tests inject a small machine). */
  freeMemoryBytes?: () => number;
  totalMemoryBytes?: number;
  onHello?: (onnxruntimeVersion: string) => void;
}

interface Waiting {
  job: NodeJob;
  demand: JobDemand;
  onEvent: (event: RunEvent) => void;
  signal: AbortSignal;
  resolve: (end: JobEnd) => void;
}

interface Slot {
  proc: EngineProcess;
  busy: (Waiting & { cancelled: boolean; sentAtMs: number; killTimer?: NodeJS.Timeout }) | null;
  exited: boolean;
}

const MEMORY_HEADROOM = 0.9;

export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];

  constructor(private readonly options: PoolOptions) {}

  /** Runs the job in a free process once it fits; resolves with how it ended (never rejects). */
  run(job: NodeJob, demand: JobDemand, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<JobEnd> {
    return new Promise<JobEnd>((resolve) => {
      if (signal.aborted) {
        resolve(cancelledEnd(job));
        return;
      }
      const onAbort = () => this.cancel(entry);
      const entry: Waiting = {
        job, demand, onEvent, signal,
        resolve: (end) => { signal.removeEventListener('abort', onAbort); resolve(end); },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.pump();
    });
  }

  /** Pids of the processes running jobs of this run. */
  pids(runId: string): number[] {
    return this.slots.filter((s) => s.busy?.job.runId === runId && s.proc.pid !== undefined).map((s) => s.proc.pid!);
  }

  get busyCount(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  /** Start an idle process ahead of time unless one is there (warm spare). */
  prewarm(): void {
    if (!this.slots.some((s) => !s.busy && !s.exited)) this.spawn();
  }

  /** Stop idle processes beyond `keep`; busy ones go on. */
  trim(keep = 0): void {
    const idle = this.slots.filter((s) => !s.busy);
    for (const slot of idle.slice(keep)) {
      slot.proc.kill();
      this.remove(slot);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { proc: this.options.spawner(), busy: null, exited: false };
    slot.proc.onMessage((m) => {
      if (m.type === 'hello') this.options.onHello?.(m.onnxruntimeVersion);
      else if (m.type === 'event') slot.busy?.onEvent(m.event);
      else if (slot.busy && m.nodeId === slot.busy.job.node.id) this.settle(slot, m);
    });
    slot.proc.onExit((code, signal, detail) => {
      slot.exited = true;
      const entry = slot.busy;
      this.remove(slot);
      if (entry) this.settle(slot, entry.cancelled ? cancelledEnd(entry.job) : crashedEnd(entry.job, code, signal, detail));
    });
    this.slots.push(slot);
    return slot;
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private settle(slot: Slot, end: JobEnd): void {
    const entry = slot.busy;
    if (!entry) return;
    if (entry.killTimer) clearTimeout(entry.killTimer);
    slot.busy = null;
    entry.resolve(end.type === 'job.done' ? { ...end, slotMs: Date.now() - entry.sentAtMs } : end);
    this.pump();
  }

  private cancel(entry: Waiting): void {
    const i = this.waiting.indexOf(entry);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      entry.resolve(cancelledEnd(entry.job));
      return;
    }
    const slot = this.slots.find((s) => s.busy?.job === entry.job);
    if (!slot?.busy) return;
    slot.busy.cancelled = true;
    slot.proc.send({ type: 'cancel' });
    // A handler that ignores its signal must not hold the run: kill the process.
    slot.busy.killTimer = setTimeout(() => slot.proc.kill(), this.options.cancelGraceMs);
  }

  /** Start every waiting job that fits, in the order they came. */
  private pump(): void {
    for (const entry of [...this.waiting]) {
      if (!this.fits(entry.demand)) continue;
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      const slot = this.slots.find((s) => !s.busy && !s.exited) ?? this.spawn();
      slot.busy = { ...entry, cancelled: false, sentAtMs: Date.now() };
      slot.proc.send({ type: 'job', job: entry.job });
    }
  }

  private fits(demand: JobDemand): boolean {
    const running = this.slots.filter((s) => s.busy).map((s) => s.busy!.demand);
    if (running.length === 0) return true;
    if (running.length >= demand.poolSize) return false;
    // An explicit pool larger than the cores asks for that many at once: the thread budget grows with it.
    const threadBudget = Math.max(this.options.cores, demand.poolSize * demand.threads);
    if (running.reduce((sum, d) => sum + d.threads, 0) + demand.threads > threadBudget) return false;
    const total = (this.options.totalMemoryBytes ?? totalmem()) * MEMORY_HEADROOM;
    const reserved = running.reduce((sum, d) => sum + d.memoryBytes, 0);
    const free = (this.options.freeMemoryBytes ?? freemem)();
    return demand.memoryBytes <= Math.min(total - reserved, free);
  }
}

function cancelledEnd(job: NodeJob): JobEnd {
  return { type: 'job.failed', nodeId: job.node.id, error: { code: 'run.cancelled', message: 'The run was cancelled.', nodeId: job.node.id }, cancelled: true };
}

function crashedEnd(job: NodeJob, code: number | null, signal: string | null, detail: string): JobEnd {
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  const lastLine = detail.trim().split('\n').filter(Boolean).pop();
  return {
    type: 'job.failed', nodeId: job.node.id, cancelled: false,
    error: {
      code: 'engine.crashed', nodeId: job.node.id,
      message: `The engine process ${how} while running node "${job.node.id}" (${job.node.kind}); the node stopped.${lastLine ? ` Last output: ${lastLine.slice(0, 300)}` : ''}`,
      hint: 'A native crash in ONNX Runtime or a node ran out of memory. The app is fine: fix the node or its input and run again.',
    },
  };
}
