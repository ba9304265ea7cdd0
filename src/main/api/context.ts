// What every API implementation gets: the services of one Whittle instance (catalog,
// engine runner, run history, data folders) and what its door can do (native dialogs,
// the file-access guard with this door's roots, src/main/access/guard.ts).
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { EventName, EventPayload } from '../../shared/api/contract.ts';
import type { EngineRunner } from '../engine/runner.ts';
import type { RunHistory } from '../store/runs.ts';
import type { DataPaths } from '../store/home.ts';
import type { FileAccess } from '../access/guard.ts';

/** Native dialogs (Electron). Each returns an absolute path, or null when cancelled. */
export interface Dialogs {
  openPipeline(): Promise<string | null>;
  savePipeline(defaultPath?: string): Promise<string | null>;
  pick(mode: 'open-file' | 'open-folder' | 'save-file', extensions?: string[], defaultPath?: string): Promise<string | null>;
}

export interface ApiContext {
  door: 'electron' | 'browser' | 'cli';
  whittleVersion: string;
  catalog: readonly NodeKindSpec[];
  runner: EngineRunner;
  history: RunHistory;
  paths: DataPaths;
  /** Folder holding examples/ and models/ (the repo's resources/, or the packaged app's). */
  resourcesDir: string;
  dialogs?: Dialogs;
  /** The one guard every file-touching call asks (DESIGN.md §8). */
  access: FileAccess;
  /** files.list start folder and base of relative paths (browser host: --workspace). */
  workspace: string | null;
  startupDocument: string | null;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
