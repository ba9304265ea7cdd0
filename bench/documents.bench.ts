// `npm run bench documents`: how long a 100,000-node pipeline takes to parse and validate
// (the `whittle validate` path), and how fast the browser host answers a second client
// while a first one has it validate that document (DESIGN.md §2, issue 13).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CATALOG } from '../src/shared/catalog/index.ts';
import type { PipelineDocument } from '../src/shared/pipeline/document.ts';
import { parsePipelineText } from '../src/shared/pipeline/parse.ts';
import { validateDocument } from '../src/shared/pipeline/validate.ts';

/** A model source and a chain of prune nodes; with `cycle`, the last feeds the second. */
export function chainDocument(nodeCount: number, opts: { cycle?: boolean } = {}): PipelineDocument {
  const nodes: PipelineDocument['nodes'] = [{ id: 'n0', kind: 'model.onnx', params: { path: 'models/m.onnx' } }];
  const edges: PipelineDocument['edges'] = [];
  for (let i = 1; i < nodeCount; i++) {
    nodes.push({ id: `n${i}`, kind: 'prune', params: {} });
    edges.push({ from: [`n${i - 1}`, 'model'], to: [`n${i}`, 'model'] });
  }
  if (opts.cycle && nodeCount > 2) edges.push({ from: [`n${nodeCount - 1}`, 'model'], to: ['n1', 'model'] });
  return { format: 'whittle.pipeline', version: 1, name: `${nodeCount} nodes`, nodes, edges };
}

function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function validateFigures(label: string, doc: PipelineDocument): void {
  const text = JSON.stringify(doc);
  const parse = timed(() => parsePipelineText(text));
  const check = timed(() => validateDocument(parse.value.document!, CATALOG, { documentDir: '/proj' }));
  const total = parse.wallMs + check.wallMs;
  console.log(`| ${label} | ${(text.length / 1e6).toFixed(1)} MB | ${parse.wallMs.toFixed(0)} (${parse.cpuMs.toFixed(0)}) | ${check.wallMs.toFixed(0)} (${check.cpuMs.toFixed(0)}) | ${total.toFixed(0)} | ${check.value.length} |`);
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function call(ws: WebSocket, id: number, name: string, request: unknown): Promise<{ atMs: number; reply: { envelope: { ok: boolean; value?: unknown } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as { id: number; envelope: { ok: boolean } };
      if (reply.id !== id) return;
      ws.off('message', onMessage);
      resolve({ atMs: performance.now(), reply });
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, name, request }));
  });
}

async function secondClientFigures(doc: PipelineDocument): Promise<void> {
  const { createApiService } = await import('../src/main/api/service.ts');
  const { startHost } = await import('../src/main/host/server.ts');
  const { createDocumentOffload } = await import('../src/main/host/document-offload.ts');
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-docs-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir] });
  const offload = createDocumentOffload({ workspace: dir });
  const host = await startHost({ api, staticDir: dir, port: 0, offload });
  try {
    const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
    const [a, b] = await Promise.all([open(url), open(url)]);
    const text = JSON.stringify(doc);
    await call(a, 1, 'pipeline.parse', { text: JSON.stringify(chainDocument(10)) }); // starts the worker
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const big = call(a, 10 + round, 'pipeline.parse', { text });
      const sentMs = performance.now() - t0;
      const latencies: number[] = [];
      let bigDone = false;
      void big.then(() => { bigDone = true; });
      while (!bigDone) {
        const s = performance.now();
        const r = await call(b, 100 + latencies.length + round * 1000, 'app.info', {});
        latencies.push(r.atMs - s);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const done = await big;
      latencies.sort((x, y) => x - y);
      console.log(`| round ${round + 1} | ${sentMs.toFixed(0)} | ${(done.atMs - t0).toFixed(0)} | ${(done.reply.envelope.value as { problems: unknown[] }).problems.length} | ${latencies.length} | ${latencies[Math.floor(latencies.length / 2)].toFixed(1)} | ${latencies[latencies.length - 1].toFixed(1)} |`);
    }
    a.close();
    b.close();
  } finally {
    await host.close();
    api.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  console.log('Parse and validate (wall ms, CPU ms in brackets):\n');
  console.log('| document | size | parse ms | validate ms | total ms | problems |');
  console.log('|---|---|---|---|---|---|');
  for (const n of [1_000, 10_000, 100_000]) validateFigures(`${n.toLocaleString('en-US')}-node chain`, chainDocument(n));
  validateFigures('100,000-node cycle', chainDocument(100_000, { cycle: true }));
  console.log('\nBrowser host: client A opens the text of a 100,000-node document (pipeline.parse: parse and validate, off the main thread); client B calls app.info every 20 ms meanwhile:\n');
  console.log('| round | A send ms | A answered after ms | A problems | B calls | B median ms | B max ms |');
  console.log('|---|---|---|---|---|---|---|');
  await secondClientFigures(chainDocument(100_000));
}
