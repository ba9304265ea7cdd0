// workers.list: the Workers panel's view of a queue (its workers' heartbeats in Redis).
import { toErrorData } from '../../../shared/errors.ts';
import { listWorkers } from '../../scale/workers.ts';
import type { CallImpl } from '../types.ts';

export const workersList: CallImpl<'workers.list'> = async (req) => {
  try {
    return { queue: req.queue, workers: await listWorkers(req.queue) };
  } catch (err) {
    // An unreachable queue is what the panel shows, not a failed call.
    return { queue: req.queue, workers: [], error: toErrorData(err).message };
  }
};
