// The engine process: receives one node job at a time from its parent (pool.ts), runs it,
// streams events back and reports how it ended; it stays for the next job until the
// parent kills it or goes away. Runs under child_process.fork (process.send) or
// Electron's utilityProcess (process.parentPort); a crash here fails its node, never the app.
import { pathToFileURL } from 'node:url';
import { HANDLERS } from './handlers/index.ts';
import type { NodeHandler } from './handler.ts';
import { executeJob } from './executor.ts';
import type { NodeJob, ParentMessage, WorkerMessage } from './protocol.ts';
import { setAutoThreads } from '../runtime/session.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

/** A message of the parent's protocol, or null for anything else (never a throw). */
function readParentMessage(raw: unknown): ParentMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as { type?: unknown; job?: unknown };
  if (m.type === 'cancel') return { type: 'cancel' };
  if (m.type === 'job' && typeof m.job === 'object' && m.job !== null) return raw as ParentMessage;
  return null;
}

function onMessage(listener: (m: ParentMessage) => void): void {
  const deliver = (raw: unknown) => {
    const message = readParentMessage(raw);
    if (message) listener(message);
    else process.stderr.write('engine: ignored a message that is not part of the engine protocol\n');
  };
  if (parentPort) parentPort.on('message', (e) => deliver((e as { data?: unknown } | null)?.data));
  else process.on('message', deliver);
}

const loaded = new Map<string, Record<string, NodeHandler>>();

/** The built-in handlers plus the job's modules (plugins, tests), each module imported once. */
async function loadHandlers(modules: string[]): Promise<Record<string, NodeHandler>> {
  const handlers: Record<string, NodeHandler> = { ...HANDLERS };
  for (const path of modules) {
    if (!loaded.has(path)) {
      const mod = (await import(pathToFileURL(path).href)) as { handlers?: Record<string, NodeHandler> };
      loaded.set(path, mod.handlers ?? {});
    }
    Object.assign(handlers, loaded.get(path));
  }
  return handlers;
}

async function onnxruntimeVersion(): Promise<string> {
  const ort = await import('onnxruntime-node');
  return ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
}

let current: AbortController | null = null;

async function run(job: NodeJob): Promise<void> {
  const controller = new AbortController();
  current = controller;
  setAutoThreads(job.threads);
  const handlers = await loadHandlers(job.handlerModules);
  const end = await executeJob(job, handlers, (event) => post({ type: 'event', event }), controller.signal);
  current = null;
  post(end);
}

onMessage((message) => {
  if (message.type === 'cancel') {
    current?.abort(new Error('cancelled'));
    return;
  }
  if (message.type === 'job' && !current) {
    run(message.job).catch((err: unknown) => {
      // Failures of the engine itself (not of a node): report and let the parent fail the node.
      process.stderr.write(`engine: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(70);
    });
  }
});

// The parent is gone (app closed, CLI killed): nobody wants this run any more.
if (!parentPort) process.on('disconnect', () => process.exit(0));
// Ctrl+C in a terminal reaches the whole process group; the parent decides (it cancels
// the run through a message), so the engine must not die of it first.
process.on('SIGINT', () => {});

onnxruntimeVersion().then(
  (version) => post({ type: 'hello', onnxruntimeVersion: version, pid: process.pid }),
  () => post({ type: 'hello', onnxruntimeVersion: 'unavailable', pid: process.pid }),
);
