// Queue workers as the Workers panel sees them (DESIGN.md §10): each `whittle worker` beats
// this record into Redis every second; a worker whose beat is older than a few seconds is gone.
import { z } from 'zod';

export const WorkerBeatSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  cores: z.number(),
  /** Nodes it runs at once. */
  concurrency: z.number(),
  running: z.array(z.object({ runId: z.string(), nodeId: z.string(), kind: z.string(), startedAtMs: z.number() })),
  jobsDone: z.number(),
  /** Attempts that failed on it (lost engine, timeout, transfer): BullMQ retried them. */
  failures: z.number(),
  startedAtMs: z.number(),
  lastSeenMs: z.number(),
});
export type WorkerBeat = z.output<typeof WorkerBeatSchema>;

export const WorkersListSchema = z.object({
  /** The queue asked, or null when no queue is set. */
  queue: z.string().nullable(),
  workers: z.array(WorkerBeatSchema),
  /** Why the list is empty when the queue could not be asked (a sentence), else absent. */
  error: z.string().optional(),
});
export type WorkersList = z.output<typeof WorkersListSchema>;

/** What is wrong with a queue URL, in a sentence, or undefined for a redis:// or rediss:// URL. */
export function queueUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a queue URL.`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `The queue URL ${url} is not a redis:// URL.`;
  if (!parsed.hostname) return `The queue URL ${url} names no host.`;
  return undefined;
}
