// Where Whittle keeps its data: WHITTLE_HOME, or ~/.whittle. Run history, the
// content-addressed cache and the autosave live in sub-folders; tests pass a temp folder.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataPaths {
  home: string;
  runs: string;
  cache: string;
  autosave: string;
}

export function dataPaths(home = process.env.WHITTLE_HOME || join(homedir(), '.whittle')): DataPaths {
  const root = resolve(home);
  return { home: root, runs: join(root, 'runs'), cache: join(root, 'cache'), autosave: join(root, 'autosave') };
}
