// A door that starts its warm spare engine later (the browser host: after its first page has
// loaded) spawns no process at construction, and one once the delay has passed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import type { EngineProcess } from '../../src/main/engine/spawn.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-spare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Counts spawns; its processes never run anything and exit when killed. */
function countingSpawner() {
  const made: { killed: boolean }[] = [];
  const spawner = (): EngineProcess => {
    const state = { killed: false };
    made.push(state);
    let onExit: ((code: number | null, signal: string | null, detail: string) => void) | null = null;
    return {
      pid: undefined,
      send: () => undefined,
      onMessage: () => undefined,
      onExit: (listener) => { onExit = listener; },
      kill: () => {
        state.killed = true;
        onExit?.(null, 'SIGTERM', '');
      },
    };
  };
  return { made, spawner };
}

function runnerWith(spawner: () => EngineProcess, warmSpareAfterMs?: number): EngineRunner {
  return new EngineRunner({
    catalog: CATALOG, history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'), whittleVersion: 'test',
    spawner, warmSpare: true, ...(warmSpareAfterMs !== undefined ? { warmSpareAfterMs } : {}),
  });
}

describe('warm spare engine', () => {
  it('starts at once by default', () => {
    const { made, spawner } = countingSpawner();
    const runner = runnerWith(spawner);
    expect(made).toHaveLength(1);
    runner.dispose();
    expect(made[0].killed).toBe(true);
  });

  it('starts after warmSpareAfterMs, and not at all when disposed before', async () => {
    const late = countingSpawner();
    const runner = runnerWith(late.spawner, 150);
    expect(late.made).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(late.made).toHaveLength(1);
    runner.dispose();

    const never = countingSpawner();
    runnerWith(never.spawner, 150).dispose();
    await new Promise((r) => setTimeout(r, 400));
    expect(never.made).toHaveLength(0);
  });
});
