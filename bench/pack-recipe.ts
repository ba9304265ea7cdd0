// Runs a pipeline document through the engine (its own process, a throwaway cache) and
// returns the run record: what bench/pack.bench.ts and test/pack share to run the recipe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineRunner } from '../src/main/engine/runner.ts';
import { RunHistory } from '../src/main/store/runs.ts';
import { CATALOG } from '../src/shared/catalog/index.ts';
import type { RunRecord } from '../src/shared/api/run.ts';
import type { PipelineDocument } from '../src/shared/pipeline/document.ts';

/** `cacheDir` lets a second run reuse the first one's upstream results (e.g. a recipe variant). */
export async function runDocument(doc: PipelineDocument, documentPath: string, onEvent?: (line: string) => void, cacheDir?: string): Promise<{ record: RunRecord; outDir: string; cacheDir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-pack-'));
  const cache = cacheDir ?? join(dir, 'cache');
  const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'runs')), cacheDir: cache, whittleVersion: 'bench' });
  if (onEvent) {
    runner.subscribe((e) => {
      if (e.type === 'finished') onEvent(`${e.nodeId}: done in ${(e.durationMs / 1000).toFixed(1)} s`);
      if (e.type === 'failed') onEvent(`${e.nodeId}: failed (${e.error.message})`);
    });
  }
  const outDir = join(dir, 'out');
  const runId = await runner.start(doc, { documentPath, outDir });
  const record = await runner.wait(runId);
  runner.dispose();
  return { record, outDir, cacheDir: cache, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
