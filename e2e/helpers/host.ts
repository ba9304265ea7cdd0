// Starts the browser host (`src/main/host/index.ts`) in a child process on a random port
// with its own workspace and data folder, and reads the URL (with its token) it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const LENET_FIXTURE = resolve(REPO_ROOT, 'resources', 'models', 'lenet5-mnist.onnx');

export interface RunningHost {
  url: string;
  /** The folder the host's file browser shows; unsaved pipelines resolve paths here. */
  workspace: string;
  /** WHITTLE_HOME: run history, cache, autosave. */
  home: string;
  stop(): Promise<void>;
}

export interface HostSetup {
  /** The document open at start-up (default: an empty pipeline in the workspace). */
  startupDocument?: object;
  /** Copy the LeNet-5 fixture to <workspace>/models/lenet5.onnx. */
  withModel?: boolean;
  /** Put the start-up document in this sub-folder of the workspace (default: the workspace itself). */
  startupSubdir?: string;
  /** Reuse a data folder (to test recovery across restarts). */
  home?: string;
  timeoutMs?: number;
}

const EMPTY = { format: 'whittle.pipeline', version: 1, name: 'Untitled pipeline', nodes: [], edges: [] };

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`The host printed no URL within ${timeoutMs} ms.\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The host exited (code ${code}) before printing its URL.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

export async function startHost(setup: HostSetup = {}): Promise<RunningHost> {
  const workspace = mkdtempSync(join(tmpdir(), 'whittle-ws-'));
  const home = setup.home ?? mkdtempSync(join(tmpdir(), 'whittle-home-'));
  if (setup.withModel) {
    mkdirSync(join(workspace, 'models'), { recursive: true });
    copyFileSync(LENET_FIXTURE, join(workspace, 'models', 'lenet5.onnx'));
  }
  const startDir = join(workspace, setup.startupSubdir ?? '');
  mkdirSync(startDir, { recursive: true });
  const startPath = join(startDir, 'start.json');
  writeFileSync(startPath, JSON.stringify(setup.startupDocument ?? EMPTY, null, 2));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main/host/index.ts'), '--port', '0', '--workspace', workspace, '--open', startPath], {
    cwd: REPO_ROOT,
    // WHITTLE_USER_DIR: unsaved pipelines export to <home>/user/exports, never the real ~/Whittle.
    env: { ...process.env, WHITTLE_HOME: home, WHITTLE_USER_DIR: join(home, 'user') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child, setup.timeoutMs ?? 60_000);
  return {
    url,
    workspace,
    home,
    async stop() {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (running()) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (running()) child.kill('SIGKILL');
      }
      rmSync(workspace, { recursive: true, force: true });
      if (!setup.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
