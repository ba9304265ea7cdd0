// An engine process that dies while starting: the run's error shows its first error line
// (not the last line of the stack) and says how to see the rest.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { engineStderrSummary, forkSpawner } from '../../src/main/engine/spawn.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { emptyDocument } from '../../src/shared/pipeline/document.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine start failures', () => {
  it('a worker that cannot load a package fails the run with Node\'s first error line and the WHITTLE_ENGINE_STDERR hint', async () => {
    const worker = join(dir, 'worker.mjs');
    writeFileSync(worker, "import 'whittle-no-such-package';\n");
    const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'), whittleVersion: 'test', spawner: forkSpawner(worker) });
    const runId = await runner.start({ ...emptyDocument(), nodes: [{ id: 'd', kind: 'dataset.synthetic', params: {} }] });
    const record = await runner.wait(runId);
    expect(record.status).toBe('failed');
    expect(record.error?.message).toContain("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'whittle-no-such-package'");
    expect(record.error?.message).toContain('WHITTLE_ENGINE_STDERR=1');
    expect(record.error?.message).not.toContain('at packageResolve');
  });

  it('picks the error line, not the quoted source line above it', () => {
    const stderr = 'node:internal/x:1\n  throw new ERR_MODULE_NOT_FOUND(a);\n  ^\n\nTypeError: boom\n    at f (x.js:1:1)\n\nNode.js v20.20.2\n';
    expect(engineStderrSummary(stderr)).toMatch(/^TypeError: boom \(set WHITTLE_ENGINE_STDERR=1/);
    expect(engineStderrSummary('')).toBe('');
  });
});
