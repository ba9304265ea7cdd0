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
  return { format: 'whittle.pipeline', version: 2, name: `${nodeCount} nodes`, nodes, edges };
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

/** Client A in its own process, so its 10 MB send and 20 MB reply do not slow client B's loop. */
const CLIENT_A = `
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
const [url, file, rounds] = process.argv.slice(1);
const text = readFileSync(file, 'utf8');
const ws = new WebSocket(url);
await new Promise((r) => ws.on('open', r));
for (let round = 0; round < Number(rounds); round++) {
  const t0 = performance.now();
  const reply = await new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'call', id: round + 1, name: 'pipeline.parse', request: { text } }));
  });
  console.log(JSON.stringify({ round, ms: performance.now() - t0, ok: reply.envelope.ok, nodes: reply.envelope.value?.document?.nodes.length, problems: reply.envelope.value?.problems.length }));
}
ws.close();
`;

async function secondClientFigures(doc: PipelineDocument): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { startHost } = await import('../e2e/helpers/host.ts');
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-docs-'));
  const file = join(dir, 'big.json');
  writeFileSync(file, JSON.stringify(doc));
  // The real `npm run web` process: its document worker, its main thread.
  const host = await startHost();
  try {
    const page = new URL(host.url);
    const url = `ws://127.0.0.1:${page.port}/api?token=${page.searchParams.get('token')}`;
    const b = await open(url);
    const rounds = 3;
    const a = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_A, url, file, String(rounds)], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let aOut = '';
    a.stdout.on('data', (c: Buffer) => { aOut += c.toString(); });
    const aDone = new Promise((resolve) => a.on('close', resolve));
    let finished = false;
    void aDone.then(() => { finished = true; });
    const latencies: number[] = [];
    for (let id = 1; !finished; id++) {
      const s = performance.now();
      const r = await call(b, id, 'app.info', {});
      latencies.push(r.atMs - s);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const line of aOut.trim().split('\n')) {
      const r = JSON.parse(line) as { round: number; ms: number; ok: boolean; nodes: number; problems: number };
      console.log(`| A round ${r.round + 1} | ${r.ms.toFixed(0)} | ${r.ok} | ${r.nodes} | ${r.problems} |`);
    }
    latencies.sort((x, y) => x - y);
    const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))].toFixed(1);
    console.log(`\nClient B meanwhile: ${latencies.length} app.info calls, median ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms; over 100 ms: ${latencies.filter((l) => l > 100).length}.`);
    b.close();
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  console.log('Parse and validate (wall ms, CPU ms in brackets):\n');
  console.log('| document | size | parse ms | validate ms | total ms | problems |');
  console.log('|---|---|---|---|---|---|');
  for (const n of [1_000, 10_000, 100_000]) validateFigures(`${n.toLocaleString('en-US')}-node chain`, chainDocument(n));
  validateFigures('100,000-node cycle', chainDocument(100_000, { cycle: true }));
  console.log('\nBrowser host (a real `npm run web` process): client A (its own process) opens the text of a 100,000-node document three times (pipeline.parse: parse and validate, off the host\'s main thread); client B calls app.info every 20 ms meanwhile:\n');
  console.log('| round | A answered after ms | ok | nodes | problems |');
  console.log('|---|---|---|---|---|');
  await secondClientFigures(chainDocument(100_000));
}
