// The engine process: receives a run plan, executes it, streams events back, exits.
// Runs under child_process.fork (process.send) or Electron's utilityProcess
// (process.parentPort); a crash here fails the run, never the app.
import { pathToFileURL } from 'node:url';
import { HANDLERS } from './handlers/index.ts';
import type { NodeHandler } from './handler.ts';
import { executePlan } from './executor.ts';
import type { ParentMessage, RunPlan, WorkerMessage } from './protocol.ts';

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
  const m = raw as { type?: unknown; plan?: unknown };
  if (m.type === 'cancel') return { type: 'cancel' };
  if (m.type === 'start' && typeof m.plan === 'object' && m.plan !== null) return raw as ParentMessage;
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

async function loadHandlers(modules: string[]): Promise<Record<string, NodeHandler>> {
  const handlers: Record<string, NodeHandler> = { ...HANDLERS };
  for (const path of modules) {
    const mod = (await import(pathToFileURL(path).href)) as { handlers?: Record<string, NodeHandler> };
    Object.assign(handlers, mod.handlers ?? {});
  }
  return handlers;
}

async function onnxruntimeVersion(): Promise<string> {
  const ort = await import('onnxruntime-node');
  return ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
}

const controller = new AbortController();
let started = false;

async function run(plan: RunPlan): Promise<void> {
  const handlers = await loadHandlers(plan.handlerModules);
  const status = await executePlan(plan, handlers, {
    emit: (event) => post({ type: 'event', event }),
    outcome: (outcome) => post({ type: 'outcome', outcome }),
  }, controller.signal);
  post({ type: 'done', status });
}

onMessage((message) => {
  if (message.type === 'cancel') {
    controller.abort(new Error('cancelled'));
    return;
  }
  if (message.type === 'start' && !started) {
    started = true;
    run(message.plan).catch((err: unknown) => {
      // Failures of the engine itself (not of a node): report and let the parent fail the run.
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
