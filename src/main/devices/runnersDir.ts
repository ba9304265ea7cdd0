// Where the board-side runner scripts are: resources/runners, found by walking up from
// this file (source tree, out/main, or the packaged app's resources).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function defaultRunnersDir(start = import.meta.dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'resources', 'runners');
    if (existsSync(join(candidate, 'ort-node-runner.mjs'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(start, 'resources', 'runners');
    dir = parent;
  }
}
