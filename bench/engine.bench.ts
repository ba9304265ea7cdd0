// Engine overhead on the bundled LeNet-5 example: a cold run (engine process start, ORT
// load, handlers), an all-cached re-run, and the time from cancel to the run's end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineRunner } from '../src/main/engine/runner.ts';
import { RunHistory } from '../src/main/store/runs.ts';
import { CATALOG } from '../src/shared/catalog/index.ts';
import { parsePipelineText } from '../src/shared/pipeline/parse.ts';

const EXAMPLE = join(import.meta.dirname, '..', 'resources', 'examples', 'lenet5.json');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-engine-'));
  try {
    const { document } = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    const rows: [string, number[]][] = [['cold run (fresh cache)', []], ['re-run (model cached, export runs)', []]];
    for (let i = 0; i < 5; i++) {
      const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, `runs${i}`)), cacheDir: join(dir, `cache${i}`), whittleVersion: 'bench' });
      for (const row of rows) {
        const t0 = performance.now();
        const record = await runner.wait(await runner.start(document!, { documentPath: EXAMPLE, outDir: join(dir, 'out') }));
        if (record.status !== 'done') throw new Error(`run ${record.status}: ${record.error?.message}`);
        row[1].push(performance.now() - t0);
      }
    }
    // The app and the host keep one engine started ahead: a run skips process start.
    const warmRow: [string, number[]] = ['re-run on a warm spare engine (app, host)', []];
    const warm = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'runs-warm')), cacheDir: join(dir, 'cache-warm'), whittleVersion: 'bench', warmSpare: true });
    await warm.wait(await warm.start(document!, { documentPath: EXAMPLE, outDir: join(dir, 'out') }));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 2500)); // the spare is started after each run
      const t0 = performance.now();
      await warm.wait(await warm.start(document!, { documentPath: EXAMPLE, outDir: join(dir, 'out') }));
      warmRow[1].push(performance.now() - t0);
    }
    warm.dispose();
    rows.push(warmRow);
    console.log('| run | median ms | min ms | max ms |\n|---|---:|---:|---:|');
    for (const [name, ms] of rows) console.log(`| ${name} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
