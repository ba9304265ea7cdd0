// Connections to the Redis that carries a BullMQ queue (DESIGN.md §10): one parsed URL, a
// first contact with a short deadline so a missing or unreachable Redis is a clear error
// naming the URL, and after that ioredis's own reconnection.
import { Redis } from 'ioredis';
import { queueUrlProblem } from '../../shared/api/workers.ts';
import { WhittleError } from '../../shared/errors.ts';

export const QUEUE_NAME = 'whittle-nodes';
/** Key prefix of worker heartbeats and the channel of cancellations. */
export const WORKER_KEY_PREFIX = 'whittle:worker:';
export const CANCEL_CHANNEL = 'whittle:cancel';

const CONNECT_TIMEOUT_MS = 3000;
const RECONNECT_MAX_MS = 1000;

/** A redis:// URL, checked: anything else is the user's typo, said so before any connection. */
export function parseQueueUrl(url: string): URL {
  const problem = queueUrlProblem(url);
  if (problem) throw new WhittleError('queue.bad-url', problem, 'Give the Redis of the queue as redis://HOST:PORT, e.g. redis://127.0.0.1:6379.');
  return new URL(url);
}

export function unreachable(url: string, reason: string): WhittleError {
  return new WhittleError('queue.unreachable', `Whittle cannot reach the queue's Redis at ${url}: ${reason}.`, 'Start redis-server there (or fix the host and port), then try again.');
}

/**
 * A client for BullMQ (maxRetriesPerRequest null, as it requires), connected: resolves once
 * Redis answers, rejects with queue.unreachable naming the URL when it does not in time.
 */
export async function connectRedis(url: string): Promise<Redis> {
  parseQueueUrl(url);
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS),
  });
  // Errors while reconnecting are reported by whoever watches the connection, not thrown.
  client.on('error', () => undefined);
  const first = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(unreachable(url, `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    client.connect().then(() => client.ping()).then(() => { clearTimeout(timer); resolve(); }, (err: unknown) => {
      clearTimeout(timer);
      reject(unreachable(url, err instanceof Error ? err.message : String(err)));
    });
  });
  try {
    await first;
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return client;
}
