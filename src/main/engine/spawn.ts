// How the parent starts an engine process. Built (out/cli, npm pack, global install) it is
// child_process.fork of the compiled worker.js, plain Node; from source (tests, the browser
// host in dev) worker.ts with tsx, resolved from this file (not from the current folder).
// The Electron app injects a utilityProcess spawner.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParentMessage, WorkerMessage } from './protocol.ts';

export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called once when the process is gone; `detail` is one line: its first error, if any. */
  onExit(listener: (code: number | null, signal: string | null, detail: string) => void): void;
  kill(): void;
}

export type EngineSpawner = () => EngineProcess;

const STDERR_HEAD_CHARS = 8000;
const STDERR_LINE_CHARS = 200;

/** True in the compiled bundle (out/cli/*.js), false when this module runs from source. */
const COMPILED = !import.meta.url.endsWith('.ts');

/** The engine worker next to this file: worker.ts from source, worker.js in the bundle. */
export function defaultWorkerPath(): string {
  // join, not `new URL('./worker.ts', import.meta.url)`: bundlers would treat that as an asset.
  return join(import.meta.dirname, COMPILED ? 'worker.js' : 'worker.ts');
}

/** `--import <tsx>` by absolute URL: Node resolves a bare `tsx` from the current folder, which fails elsewhere. */
function tsxImportArgs(): string[] {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return ['--import', pathToFileURL(join(dirname(pkg), 'dist', 'loader.mjs')).href];
}

/** TypeScript plugins (WHITTLE_PLUGINS) need tsx in the engine even when it is compiled. */
function needsTsx(workerPath: string): boolean {
  if (workerPath.endsWith('.ts')) return true;
  return (process.env.WHITTLE_PLUGINS ?? '').split(delimiter).some((p) => /\.[cm]?ts$/.test(p));
}

/**
 * One line for the run's error when the engine dies: the first line that reads like an error
 * (Node prints the message after a stack frame and a caret line), and where to see the rest.
 */
export function engineStderrSummary(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return '';
  // Lines that START with the error ("Error [ERR_MODULE_NOT_FOUND]: ...", "TypeError: ..."),
  // not the source line Node quotes above it ("throw new ERR_MODULE_NOT_FOUND(...)").
  const first = lines.find((l) => /^(\w*(Error|Exception)\b|Uncaught\b|FATAL ERROR\b)/.test(l)) ?? lines[0];
  const line = first.length > STDERR_LINE_CHARS ? `${first.slice(0, STDERR_LINE_CHARS)}…` : first;
  return process.env.WHITTLE_ENGINE_STDERR ? line : `${line} (set WHITTLE_ENGINE_STDERR=1 to see all of its output)`;
}

export function forkSpawner(workerPath = defaultWorkerPath()): EngineSpawner {
  return () => {
    const child = fork(workerPath, [], {
      execArgv: needsTsx(workerPath) ? tsxImportArgs() : [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    // The head, not the tail: the first error is the cause, later lines are its echoes.
    let stderrHead = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderrHead.length < STDERR_HEAD_CHARS) stderrHead = (stderrHead + chunk.toString()).slice(0, STDERR_HEAD_CHARS);
      if (process.env.WHITTLE_ENGINE_STDERR) process.stderr.write(chunk);
    });
    return {
      get pid() { return child.pid; },
      send(message) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', (m) => listener(m as WorkerMessage));
      },
      onExit(listener) {
        // 'close' comes after stderr is drained, so the head is complete.
        child.once('close', (code, signal) => listener(code, signal, engineStderrSummary(stderrHead)));
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  };
}
