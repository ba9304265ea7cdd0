// The workers of a queue, read from their heartbeats in Redis (queue-worker.ts writes them).
import type { Redis } from 'ioredis';
import { WorkerBeatSchema, type WorkerBeat } from '../../shared/api/workers.ts';
import { connectRedis, WORKER_KEY_PREFIX } from './redis.ts';

export type { WorkerBeat };

/** Every worker whose heartbeat has not expired, sorted by host. */
export async function readWorkers(redis: Redis): Promise<WorkerBeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const beats = (await redis.mget(...keys)).flatMap((text) => {
    if (!text) return [];
    const parsed = WorkerBeatSchema.safeParse(JSON.parse(text));
    return parsed.success ? [parsed.data] : [];
  });
  return beats.sort((a, b) => a.host.localeCompare(b.host) || a.id.localeCompare(b.id));
}

/** One look at a queue's workers (connects, reads, disconnects; throws queue.unreachable). */
export async function listWorkers(url: string): Promise<WorkerBeat[]> {
  const redis = await connectRedis(url);
  try {
    return await readWorkers(redis);
  } finally {
    redis.disconnect();
  }
}
