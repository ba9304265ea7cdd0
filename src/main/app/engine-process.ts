// The engine process in the desktop app: Electron's utilityProcess running the built
// worker (out/main/engine.js), adapted to the engine's EngineProcess interface.
import type { EngineSpawner } from '../engine/spawn.ts';
import type { WorkerMessage } from '../engine/protocol.ts';
import type { ElectronMain } from './electron-api.ts';

export function utilitySpawner(electron: ElectronMain, workerPath: string): EngineSpawner {
  return () => {
    const child = electron.utilityProcess.fork(workerPath, [], { serviceName: 'Whittle engine', stdio: 'pipe' });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderrTail = (stderrTail + chunk.toString()).slice(-2000); });
    let alive = true;
    return {
      get pid() { return child.pid; },
      send(message) { if (alive) child.postMessage(message); },
      onMessage(listener) { child.on('message', (m) => listener(m as WorkerMessage)); },
      onExit(listener) {
        child.on('exit', (code) => {
          alive = false;
          listener(code, null, stderrTail);
        });
      },
      kill() { if (alive) child.kill(); },
    };
  };
}
