// The engine end to end, in its own process: the bundled example, the cache (a hit runs
// no handler: the test kinds log every real call to a file), cancellation within 1 s
// (polite and blocking handlers), failure -> downstream skipped, and a killed engine.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { RunEvent } from '../../src/shared/api/run.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { kinds } from './fixtures/test-kinds.ts';

const FIXTURE_MODULE = fileURLToPath(new URL('./fixtures/test-kinds.ts', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../resources/examples/lenet5.json', import.meta.url));
const LENET = fileURLToPath(new URL('../../resources/models/lenet5-mnist.onnx', import.meta.url));

let dir: string;
let runner: EngineRunner;
const events: RunEvent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whittle-engine-'));
  runner = new EngineRunner({
    catalog: [...CATALOG, ...kinds], history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'),
    whittleVersion: 'test', handlerModules: [FIXTURE_MODULE], defaultDir: dir,
  });
  runner.subscribe((e) => events.push(e));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type N = PipelineDocument['nodes'][number];
const doc = (nodes: N[], edges: [string, string][] = []): PipelineDocument => ({
  format: 'whittle.pipeline', version: 2, name: 'test', nodes,
  edges: edges.map(([a, b]) => ({ from: [a, 'out'], to: [b, 'in'] })),
});
const eventsOf = (runId: string) => events.filter((e) => e.runId === runId);
const typesOf = (runId: string, nodeId: string) => eventsOf(runId).filter((e) => 'nodeId' in e && e.nodeId === nodeId).map((e) => e.type);

async function until(predicate: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('engine', () => {
  it('runs the bundled LeNet-5 example: model metrics, exported bytes, run record', async () => {
    const { document } = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    const out = join(dir, 'out');
    const runId = await runner.start(document!, { documentPath: EXAMPLE, outDir: out });
    const record = await runner.wait(runId);
    expect(record.status).toBe('done');
    const m = record.nodes.model;
    expect(m.status).toBe('done');
    // LeNet-5: conv 156 + conv 2416 + fc 48120 + fc 10164 + fc 850 parameters.
    expect(m.metrics).toMatchObject({ parameters: 61706, sizeBytes: 248391, opset: 13, inputs: 'input: float[N,1,28,28]', outputs: 'logits: float[N,10]' });
    const exported = join(out, 'out', 'lenet5-mnist.onnx');
    expect(readFileSync(exported).equals(readFileSync(LENET))).toBe(true);
    expect(record.nodes.export.artifacts).toContain(exported);
    expect(record.versions.onnxruntime).toBe('1.30.0');
    expect(record.nodes.export.params).toEqual({ path: 'out/lenet5-mnist.onnx', overwrite: true }); // default filled in
    expect(record.host.cores).toBeGreaterThan(0);
    const saved = await new RunHistory(join(dir, 'runs')).get(runId);
    expect(saved.nodes.model.outputs.model).toMatchObject({ type: 'model', sha256: createHash('sha256').update(readFileSync(LENET)).digest('hex') });
    expect(existsSync((saved.nodes.model.outputs.model as { path: string }).path)).toBe(true);
  });

  it('an unchanged re-run is all cache hits and runs no handler; a changed param re-runs only downstream', async () => {
    const log = join(dir, 'calls.log');
    const nodes = (tagB: string): N[] => [
      { id: 'a', kind: 'test.count', params: { log, tag: 'x' } },
      { id: 'b', kind: 'test.count', params: { log, tag: tagB } },
    ];
    const first = await runner.wait(await runner.start(doc(nodes('y'), [['a', 'b']])));
    expect(first.status).toBe('done');
    expect(readFileSync(log, 'utf8')).toBe('a\nb\n');
    expect(first.nodes.b.metrics.count).toBe(2);

    const second = await runner.wait(await runner.start(doc(nodes('y'), [['a', 'b']])));
    expect(readFileSync(log, 'utf8')).toBe('a\nb\n'); // no handler ran
    expect([second.nodes.a.status, second.nodes.b.status]).toEqual(['cached', 'cached']);
    expect(typesOf(second.id, 'b')).toEqual(['queued', 'cached']);
    expect(second.nodes.b.metrics).toEqual(first.nodes.b.metrics);

    const third = await runner.wait(await runner.start(doc(nodes('z'), [['a', 'b']])));
    expect(readFileSync(log, 'utf8')).toBe('a\nb\nb\n');
    expect([third.nodes.a.status, third.nodes.b.status]).toEqual(['cached', 'done']);
  });

  it('does not reuse results another Whittle version computed: an upgrade runs the nodes again', async () => {
    const log = join(dir, 'upgrade.log');
    const d = doc([{ id: 'a', kind: 'test.count', params: { log, tag: 'u' } }]);
    expect((await runner.wait(await runner.start(d))).nodes.a.status).toBe('done');
    expect((await runner.wait(await runner.start(d))).nodes.a.status).toBe('cached');
    const upgraded = new EngineRunner({
      catalog: [...CATALOG, ...kinds], history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'),
      whittleVersion: 'test-next', handlerModules: [FIXTURE_MODULE], defaultDir: dir,
    });
    try {
      const again = await upgraded.wait(await upgraded.start(d));
      expect(again.nodes.a.status).toBe('done');
      expect(readFileSync(log, 'utf8')).toBe('a\na\n');
    } finally {
      upgraded.dispose();
    }
  });

  it('a cancelled run stops within 1 s when the handler honours its signal', async () => {
    const runId = await runner.start(doc([{ id: 's', kind: 'test.sleep', params: { ms: 20_000 } }, { id: 'after', kind: 'test.sleep', params: { ms: 1 } }], [['s', 'after']]));
    await until(() => typesOf(runId, 's').includes('started'));
    const t0 = Date.now();
    expect(runner.cancel(runId)).toBe(true);
    const record = await runner.wait(runId);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(record.status).toBe('cancelled');
    expect([record.nodes.s.status, record.nodes.after.status]).toEqual(['cancelled', 'cancelled']);
  });

  it('a cancelled run stops within 1 s even when the handler blocks (the process is killed)', async () => {
    const runId = await runner.start(doc([{ id: 'busy', kind: 'test.sleep', params: { ms: 30_000, block: true } }]));
    await until(() => typesOf(runId, 'busy').includes('started'));
    const pid = runner.enginePid(runId)!;
    const t0 = Date.now();
    runner.cancel(runId);
    const record = await runner.wait(runId);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(record.status).toBe('cancelled');
    expect(record.nodes.busy.status).toBe('cancelled');
    expect(() => process.kill(pid, 0)).toThrow(); // the engine process is gone
  });

  it('a failing node shows its error; its downstream nodes are skipped; other branches finish', async () => {
    const log = join(dir, 'fail.log');
    const record = await runner.wait(await runner.start(doc([
      { id: 'f', kind: 'test.fail', params: {} },
      { id: 'down', kind: 'test.count', params: { log } },
      { id: 'down2', kind: 'test.count', params: { log } },
      { id: 'other', kind: 'test.count', params: { log, tag: 'other' } },
    ], [['f', 'down'], ['down', 'down2']])));
    expect(record.status).toBe('failed');
    expect(record.nodes.f.status).toBe('failed');
    expect(record.nodes.f.error).toEqual({ code: 'test.boom', message: 'The test node failed on purpose.', hint: 'Nothing to do: it always fails.', nodeId: 'f' });
    expect([record.nodes.down.status, record.nodes.down2.status]).toEqual(['skipped', 'skipped']);
    expect(record.nodes.down.skippedReason).toContain('"f" failed');
    expect(record.nodes.other.status).toBe('done');
    expect(readFileSync(log, 'utf8')).toBe('other\n');
  });

  it('a killed engine process fails the run with a clear message, and the next run works', async () => {
    const runId = await runner.start(doc([{ id: 'slow', kind: 'test.sleep', params: { ms: 20_000 } }]));
    await until(() => typesOf(runId, 'slow').includes('started'));
    process.kill(runner.enginePid(runId)!, 'SIGKILL');
    const record = await runner.wait(runId);
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('engine.crashed');
    expect(record.error?.message).toMatch(/engine process was killed \(SIGKILL\) while running node "slow"/);
    expect(record.nodes.slow.status).toBe('failed');

    const log = join(dir, 'after-kill.log');
    const next = await runner.wait(await runner.start(doc([{ id: 'ok', kind: 'test.count', params: { log } }])));
    expect(next.status).toBe('done');
    expect(readFileSync(log, 'utf8')).toBe('ok\n');
  });

  it('a node that crashes its own process fails the run, naming the node', async () => {
    const record = await runner.wait(await runner.start(doc([{ id: 'boom', kind: 'test.crash', params: {} }])));
    expect(record.status).toBe('failed');
    expect(record.nodes.boom.error?.code).toBe('engine.crashed');
    expect(record.nodes.boom.error?.message).toContain('"boom"');
  });

  it('a corrupt model file fails model.onnx with the ONNX error and skips export', async () => {
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x02]));
    const record = await runner.wait(await runner.start({
      format: 'whittle.pipeline', version: 2, name: 'bad',
      nodes: [{ id: 'm', kind: 'model.onnx', params: { path: 'bad.onnx' } }, { id: 'e', kind: 'export', params: { path: 'x.onnx' } }],
      edges: [{ from: ['m', 'model'], to: ['e', 'model'] }],
    }, { documentPath: join(dir, 'p.json') }));
    expect(record.nodes.m.status).toBe('failed');
    expect(record.nodes.m.error?.code).toBe('onnx.corrupt');
    expect(record.nodes.m.error?.message).toMatch(/bad\.onnx'? is not a readable ONNX model/);
    expect(record.nodes.e.status).toBe('skipped');
  });

  it('refuses to start an invalid document, naming the first problem', async () => {
    await expect(runner.start(doc([{ id: 'x', kind: 'no.such.kind', params: {} }]))).rejects.toMatchObject({ code: 'pipeline.invalid', nodeId: 'x' });
  });
});

describe('engine with a warm spare process', () => {
  it('runs on the spare, starts the next one afterwards, and a killed spare is replaced', async () => {
    const warm = new EngineRunner({
      catalog: [...CATALOG, ...kinds], history: new RunHistory(join(dir, 'runs-warm')), cacheDir: join(dir, 'cache-warm'),
      whittleVersion: 'test', handlerModules: [FIXTURE_MODULE], defaultDir: dir, warmSpare: true,
    });
    const seen: RunEvent[] = [];
    warm.subscribe((e) => seen.push(e));
    try {
      const log = join(dir, 'warm.log');
      const first = await warm.wait(await warm.start(doc([{ id: 'w1', kind: 'test.count', params: { log } }])));
      expect(first.status).toBe('done');
      expect(first.versions.onnxruntime).toBe('1.30.0');
      const second = await warm.wait(await warm.start(doc([{ id: 'w2', kind: 'test.count', params: { log, tag: 'second' } }])));
      expect(second.status).toBe('done');
      expect(readFileSync(log, 'utf8')).toBe('w1\nw2\n');
      // Kill the engine mid-run: the run fails, and the next one still gets an engine.
      const runId = await warm.start(doc([{ id: 'nap', kind: 'test.sleep', params: { ms: 20_000 } }]));
      await until(() => seen.some((e) => e.runId === runId && e.type === 'started'));
      process.kill(warm.enginePid(runId)!, 'SIGKILL');
      expect((await warm.wait(runId)).status).toBe('failed');
      const third = await warm.wait(await warm.start(doc([{ id: 'w3', kind: 'test.count', params: { log, tag: 'third' } }])));
      expect(third.status).toBe('done');
    } finally {
      warm.dispose();
    }
  });
});
