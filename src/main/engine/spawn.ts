// How the parent starts an engine process. From source (tests, CLI, browser host) it is
// child_process.fork with tsx as loader; the Electron app injects a utilityProcess spawner.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { ParentMessage, WorkerMessage } from './protocol.ts';

export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called once when the process is gone; `detail` is e.g. the tail of its stderr. */
  onExit(listener: (code: number | null, signal: string | null, detail: string) => void): void;
  kill(): void;
}

export type EngineSpawner = () => EngineProcess;

const STDERR_TAIL_CHARS = 2000;

/** The engine worker next to this file: worker.ts from source, or a built worker path. */
export function defaultWorkerPath(): string {
  // join, not `new URL('./worker.ts', import.meta.url)`: bundlers would treat that as an asset.
  return join(import.meta.dirname, 'worker.ts');
}

export function forkSpawner(workerPath = defaultWorkerPath()): EngineSpawner {
  return () => {
    const child = fork(workerPath, [], {
      execArgv: workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
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
        // 'close' comes after stderr is drained, so the tail is complete.
        child.once('close', (code, signal) => listener(code, signal, stderrTail));
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  };
}
