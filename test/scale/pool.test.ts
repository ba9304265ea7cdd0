// The pool of engine processes: a branching pipeline gives the same bytes with one engine
// process as with three (nodes of different branches overlap in time with three), and
// the cache, history and per-node events behave as with one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { RunEvent, RunRecord } from '../../src/shared/api/run.ts';
import { branchingDocument, fingerprint } from './branching.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Most nodes running at the same moment, from the run's started/ended events. */
function peakOverlap(events: RunEvent[]): number {
  let running = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === 'started') peak = Math.max(peak, ++running);
    else if (e.type === 'finished' || e.type === 'failed' || e.type === 'cancelled') running--;
  }
  return peak;
}

async function runWithPool(poolSize: number): Promise<{ record: RunRecord; events: RunEvent[]; runner: EngineRunner }> {
  const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, `runs${poolSize}`)), cacheDir: join(dir, `cache${poolSize}`), whittleVersion: 'test' });
  const events: RunEvent[] = [];
  runner.subscribe((e) => events.push(e));
  const runId = await runner.start(branchingDocument(dir), { documentPath: join(dir, 'branching.json'), poolSize });
  return { record: await runner.wait(runId), events, runner };
}

describe('engine pool', () => {
  it('one process and three give the same models and metrics; three overlap independent nodes', async () => {
    const one = await runWithPool(1);
    const three = await runWithPool(3);
    expect(one.record.status).toBe('done');
    expect(three.record.status).toBe('done');
    expect(fingerprint(three.record)).toEqual(fingerprint(one.record));
    expect(Object.keys(fingerprint(one.record))).toHaveLength(16);
    expect(peakOverlap(one.events)).toBe(1);
    expect(peakOverlap(three.events)).toBeGreaterThan(1);
    expect(peakOverlap(three.events)).toBeLessThanOrEqual(3);
    // History keeps the same record the run ended with.
    expect(fingerprint(await three.runner.wait(three.record.id))).toEqual(fingerprint(three.record));

    // A re-run with three processes is all cache hits and starts no process.
    const again = await three.runner.wait(await three.runner.start(branchingDocument(dir), { documentPath: join(dir, 'branching.json') }));
    expect(Object.values(again.nodes).map((n) => n.status)).toEqual(Array(16).fill('cached'));
    expect(fingerprint(again)).toEqual({ ...fingerprint(three.record), ...Object.fromEntries(Object.entries(fingerprint(three.record)).map(([id, f]) => [id, { ...(f as object), status: 'cached' }])) });
  }, 600_000);
});

describe('engine pool cancellation', () => {
  it('cancel stops every running node in every process, and their processes', async () => {
    const { kinds } = await import('../engine/fixtures/test-kinds.ts');
    const fixture = fileURLToPath(new URL('../engine/fixtures/test-kinds.ts', import.meta.url));
    const runner = new EngineRunner({ catalog: [...CATALOG, ...kinds], history: new RunHistory(join(dir, 'runs-cancel')), cacheDir: join(dir, 'cache-cancel'), whittleVersion: 'test', handlerModules: [fixture], defaultDir: dir });
    const events: RunEvent[] = [];
    runner.subscribe((e) => events.push(e));
    const nodes = ['a', 'b', 'c'].map((id, i) => ({ id, kind: 'test.sleep', params: { ms: 60_000, block: i === 2 } }));
    const runId = await runner.start({ format: 'whittle.pipeline', version: 2, name: 'sleepers', nodes, edges: [] } as Parameters<EngineRunner['start']>[0], { poolSize: 3 });
    const end = Date.now() + 120_000;
    while (events.filter((e) => e.runId === runId && e.type === 'started').length < 3) {
      if (Date.now() > end) throw new Error('the three nodes did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    const pids = runner.enginePids(runId);
    expect(pids).toHaveLength(3);
    expect(runner.cancel(runId)).toBe(true);
    const record = await runner.wait(runId);
    expect(record.status).toBe('cancelled');
    expect(Object.values(record.nodes).map((n) => n.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The blocking sleeper ignored its signal: its process was killed.
    // A process takes a moment to exit after its kill, longer on a loaded machine: wait for it.
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    const deadline = Date.now() + 30_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);
});
