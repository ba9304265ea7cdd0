// Main-thread side of the document worker: hands it large socket frames and waits for its
// answer (a worker thread when built, a child process from source). A helper that dies answers its pending frames 'inline' (the main thread then
// handles them itself) and is started again for the next frame.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DocumentWorkerData } from './document-worker.ts';
import type { MessageOffload, OffloadResult } from './socket-messages.ts';

/** Frames shorter than this are parsed inline: well under a millisecond of work. */
export const OFFLOAD_MIN_CHARS = 64 * 1024;

export function documentWorkerPath(): string {
  // join, not `new URL(..., import.meta.url)`: bundlers would treat that as an asset.
  return join(import.meta.dirname, 'document-worker.ts');
}

/** What the offload needs of its helper: a worker thread (built) or a child process (from source). */
interface Helper {
  post(message: { id: number; frame: Uint8Array }): void;
  /** Keep the process alive while a frame is out (true), or not (false, when idle). */
  hold(busy: boolean): void;
  onMessage(listener: (m: { id: number; result: OffloadResult }) => void): void;
  onGone(listener: () => void): void;
  stop(): Promise<void>;
}

function threadHelper(workerPath: string, data: DocumentWorkerData): Helper {
  const w = new Worker(workerPath, { workerData: data });
  w.unref();
  return {
    post: (m) => w.postMessage(m),
    hold: (busy) => { if (busy) w.ref(); else w.unref(); },
    onMessage: (l) => w.on('message', l),
    onGone: (l) => { w.on('error', l); w.on('exit', l); },
    stop: async () => { await w.terminate(); },
  };
}

/** From source: Node 20 does not run a worker thread's .ts entry through tsx, so fork it like the engine. */
function processHelper(workerPath: string, data: DocumentWorkerData): Helper {
  const child = fork(workerPath, [JSON.stringify(data)], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.unref();
  child.channel?.unref();
  return {
    post: (m) => { if (child.connected) child.send(m); },
    hold: (busy) => { if (busy) child.channel?.ref(); else child.channel?.unref(); },
    onMessage: (l) => child.on('message', (m) => l(m as { id: number; result: OffloadResult })),
    onGone: (l) => { child.on('error', l); child.on('exit', l); },
    stop: async () => { if (child.exitCode === null) child.kill(); },
  };
}

export function createDocumentOffload(data: DocumentWorkerData, workerPath = documentWorkerPath(), minChars = OFFLOAD_MIN_CHARS): MessageOffload {
  let helper: Helper | null = null;
  let nextId = 1;
  const pending = new Map<number, (result: OffloadResult) => void>();

  function settleAll(): void {
    for (const resolve of pending.values()) resolve({ kind: 'inline' });
    pending.clear();
  }

  function current(): Helper {
    if (helper) return helper;
    const h = workerPath.endsWith('.ts') ? processHelper(workerPath, data) : threadHelper(workerPath, data);
    h.onMessage((m) => {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
      if (pending.size === 0) h.hold(false);
    });
    h.onGone(() => {
      if (helper === h) helper = null;
      settleAll();
    });
    helper = h;
    return h;
  }

  return {
    minChars,
    handle(frame) {
      const id = nextId++;
      return new Promise<OffloadResult>((resolve) => {
        pending.set(id, resolve);
        const h = current();
        h.hold(true);
        h.post({ id, frame });
      });
    },
    async close() {
      const h = helper;
      helper = null;
      settleAll();
      if (h) await h.stop();
    },
  };
}
