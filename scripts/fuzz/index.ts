// `npm run fuzz [-- --onnx N --docs N --requests N --seed S --minutes M]`: the fuzz harness
// of issue 13. Mutated ONNX files go through `inspect` and the model.onnx node, mutated
// pipeline documents through parse/validate (and a few clean ones through a real run), in a
// worker process that is timed per case; random requests and WebSocket frames go to a real
// browser host on loopback. Prints counts: successes, clean refusals, failures (an error
// that is not a WhittleError), crashes, hangs and host exits.
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLeNet5, buildMlp } from '../../src/main/onnx/builder/index.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { startHost } from '../../e2e/helpers/host.ts';
import { mutateBytes, mutateDocumentText, rngFrom, type Rng } from './mutate.ts';
import { mutateModel } from './mutate-model.ts';
import { randomFrames, randomRequest, sendCase, stillServes, type HostOutcome } from './host.ts';
import type { CaseResult } from './cases.ts';
import type { CaseRequest, WorkerRequest } from './worker.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: {
  onnx: { type: 'string', default: '1000' }, docs: { type: 'string', default: '1000' }, requests: { type: 'string', default: '10000' },
  runs: { type: 'string', default: '20' }, seed: { type: 'string', default: '13' }, minutes: { type: 'string', default: '20' },
} });
const deadline = Date.now() + Number(values.minutes) * 60_000;
const work = mkdtempSync(join(tmpdir(), 'whittle-fuzz-'));

type Row = Record<'success' | 'refusal' | 'failure' | 'crash' | 'hang' | 'closed' | 'hostExit', number>;
const rows = new Map<string, Row>();
const examples = new Map<string, string>();
/** How the real runs ended (error code, or "success"): a run refused for a clear reason is fine, but say which. */
const runRefusals = new Map<string, number>();
function count(name: string, what: keyof Row, detail?: string): void {
  if (!rows.has(name)) rows.set(name, { success: 0, refusal: 0, failure: 0, crash: 0, hang: 0, closed: 0, hostExit: 0 });
  rows.get(name)![what]++;
  if ((what === 'failure' || what === 'crash' || what === 'hang' || what === 'hostExit') && !examples.has(`${name}/${what}`)) examples.set(`${name}/${what}`, detail ?? '');
}

/** The worker process with per-case timeouts: a hang or a death is counted and the worker restarted. */
class CaseRunner {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private async ensure(): Promise<ChildProcess> {
    if (this.child && this.child.exitCode === null && this.child.connected) return this.child;
    const child = fork(join(import.meta.dirname, 'worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced', env: { ...process.env, WHITTLE_HOME: join(work, 'home') } });
    await new Promise<void>((r, reject) => { child.once('message', () => r()); child.once('exit', (c) => reject(new Error(`fuzz worker exited at start (${c})`))); });
    this.child = child;
    return child;
  }
  async run(req: CaseRequest, timeoutMs: number): Promise<(CaseResult & { ran?: CaseResult }) | 'crash' | 'hang'> {
    const child = await this.ensure();
    const id = this.nextId++;
    return new Promise((resolveCase) => {
      const timer = setTimeout(() => { cleanup(); child.kill('SIGKILL'); this.child = null; resolveCase('hang'); }, timeoutMs);
      const onMessage = (m: { id?: number; result?: CaseResult }) => { if (m.id === id) { cleanup(); resolveCase(m.result!); } };
      const onExit = () => { cleanup(); this.child = null; resolveCase('crash'); };
      const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ ...req, id } as WorkerRequest);
    });
  }
  stop(): void { this.child?.kill(); }
}

function record(name: string, r: Awaited<ReturnType<CaseRunner['run']>>): void {
  if (r === 'crash' || r === 'hang') count(name, r);
  else count(name, r.outcome, r.detail);
}

async function fuzzOnnx(runner: CaseRunner, rng: Rng, n: number): Promise<void> {
  const seeds = [encodeModel(buildLeNet5()), encodeModel(buildMlp({ sizes: [8, 6, 3] }))];
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const seed = seeds[i % seeds.length];
    const bytes = rng() < 0.35 ? mutateModel(rng, seed) : mutateBytes(rng, rng() < 0.2 ? mutateBytes(rng, seed) : seed);
    const path = join(work, `m${i % 8}`, 'model.onnx');
    execFileSync('mkdir', ['-p', join(work, `m${i % 8}`)]);
    writeFileSync(path, bytes);
    record('onnx → inspect', await runner.run({ kind: 'inspect', path }, 20_000));
    record('onnx → model.onnx node', await runner.run({ kind: 'model-node', path }, 30_000));
  }
}

async function fuzzDocuments(runner: CaseRunner, rng: Rng, n: number, maxRuns: number): Promise<void> {
  const dir = join(ROOT, 'resources', 'examples');
  const files = ['lenet5.json', 'lenet5-compress.json', 'lenet5-deep-compression.json'];
  const seeds = files.map((f) => readFileSync(join(dir, f), 'utf8'));
  let runs = 0;
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    let text = seeds[i % seeds.length];
    for (let k = 1 + Math.floor(rng() * 2); k > 0; k--) {
      try { text = mutateDocumentText(rng, text); } catch { break; } // a text-level mutant is no longer JSON
    }
    // Only the load-and-export example is cheap enough to run; at most `maxRuns` of them.
    const run = runs < maxRuns && i % seeds.length === 0;
    const r = await runner.run({ kind: 'document', text, documentDir: dir, run, documentPath: join(dir, files[i % files.length]) }, 120_000);
    record('document → parse/validate', r);
    if (r !== 'crash' && r !== 'hang' && r.ran) {
      runs++;
      record('document → run', r.ran);
      runRefusals.set(r.ran.detail ?? r.ran.outcome, (runRefusals.get(r.ran.detail ?? r.ran.outcome) ?? 0) + 1);
    }
  }
}

async function fuzzHost(rng: Rng, n: number): Promise<void> {
  let host = await startHost();
  const targetOf = (url: string) => ({ port: Number(new URL(url).port), token: new URL(url).searchParams.get('token') ?? '' });
  let t = targetOf(host.url);
  const PARALLEL = 8;
  for (let i = 0; i < n && Date.now() < deadline; i += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, n - i) }, () => {
      const req = randomRequest(rng, t);
      return { req, frames: req.upgrade ? randomFrames(rng) : null };
    });
    const outcomes: HostOutcome[] = await Promise.all(batch.map((c) => sendCase(t, c.req, c.frames, 5000)));
    batch.forEach((c, k) => count(c.req.upgrade ? 'host ← upgrade + WebSocket frames' : 'host ← request line + headers', outcomes[k], c.req.bytes.toString('latin1').slice(0, 200)));
    if ((i / PARALLEL) % 25 === 0 || outcomes.includes('hang')) {
      if (!(await stillServes(t))) {
        count('host ← request line + headers', 'hostExit', batch.map((c) => c.req.bytes.toString('latin1').slice(0, 120)).join(' | '));
        await host.stop();
        host = await startHost();
        t = targetOf(host.url);
      }
    }
  }
  if (!(await stillServes(t))) count('host ← request line + headers', 'hostExit', 'after the last batch');
  await host.stop();
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) execFileSync('npx', ['vite', 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const seed = Number(values.seed);
  const started = Date.now();
  const runner = new CaseRunner();
  try {
    await fuzzOnnx(runner, rngFrom(seed), Number(values.onnx));
    await fuzzDocuments(runner, rngFrom(seed + 1), Number(values.docs), Number(values.runs));
  } finally {
    runner.stop();
  }
  await fuzzHost(rngFrom(seed + 2), Number(values.requests));
  rmSync(work, { recursive: true, force: true });
  console.log(`\nWhittle fuzz, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s${Date.now() > deadline ? ' (stopped at the time limit)' : ''}\n`);
  console.log('| target | cases | success | clean refusal | closed | failure | crash | hang | host exit |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const total: Row = { success: 0, refusal: 0, failure: 0, crash: 0, hang: 0, closed: 0, hostExit: 0 };
  for (const [name, r] of rows) {
    const cases = r.success + r.refusal + r.closed + r.failure + r.crash + r.hang;
    console.log(`| ${name} | ${cases} | ${r.success} | ${r.refusal} | ${r.closed} | ${r.failure} | ${r.crash} | ${r.hang} | ${r.hostExit} |`);
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k];
  }
  console.log(`\nTotals: ${total.failure} failures, ${total.crash} crashes, ${total.hang} hangs, ${total.hostExit} host exits.`);
  console.log('(failure: an error that is not a WhittleError; closed: the host ended the connection without an HTTP answer, e.g. for an unparseable request or a bad WebSocket frame.)');
  if (runRefusals.size > 0) console.log(`Document runs ended: ${[...runRefusals].map(([k, n]) => `${k} ${n}`).join(', ')}.`);
  for (const [key, detail] of examples) console.log(`first ${key}: ${JSON.stringify(detail).slice(0, 400)}`);
  process.exit(total.crash + total.hang + total.hostExit > 0 ? 1 : 0);
}

await main();
