// The `whittle` command as a user runs it (node bin/whittle.js, a fresh data folder):
// run the bundled example with --json, exit codes, validate, nodes --json, --help. The CLI
// is the compiled one (out/cli), built from the current sources first.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './whittle-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'whittle-cli-'));
beforeAll(buildCli);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function whittle(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/whittle.js'), ...args], { cwd: ROOT, env: { ...process.env, WHITTLE_HOME: join(dir, 'home'), WHITTLE_CLI: 'built', FORCE_COLOR: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; onStdout?.(stdout, child); });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('whittle', () => {
  it('run <example> --json prints the run record and exits 0', async () => {
    const out = join(dir, 'out');
    const r = await whittle(['run', 'resources/examples/lenet5.json', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('done');
    expect(record.nodes.model).toMatchObject({ status: 'done', metrics: { parameters: 61706, opset: 13 } });
    const exported = join(out, 'out', 'lenet5-mnist.onnx');
    expect(record.nodes.export.artifacts).toContain(exported);
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(sha(exported)).toBe(sha(join(ROOT, 'resources/models/lenet5-mnist.onnx')));
    // Progress goes to stderr as plain lines when it is not a terminal.
    expect(r.stderr).toContain('[model] started');
  });

  it('runs the bundled compression example end to end: every node done, int8 accuracy kept', async () => {
    const out = join(dir, 'compress');
    const r = await whittle(['run', 'resources/examples/lenet5-compress.json', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('done');
    // The first test's run may have cached the model node already.
    // A node may end done with warnings (on an x86 host the int8 LeNet-5 is slower than fp32):
    // then it says why.
    for (const [id, node] of Object.entries(record.nodes as Record<string, { status: string; warnings: string[] }>)) {
      expect(['done', 'cached', 'warning'], id).toContain(node.status);
      if (node.status === 'warning') expect(node.warnings.length, id).toBeGreaterThan(0);
    }
    const top1 = (id: string) => record.nodes[id].metrics.top1 as number;
    expect(top1('eval-original')).toBeCloseTo(0.9611, 3);
    expect(top1('eval-int8')).toBeGreaterThan(top1('eval-original') - 0.01);
    expect(statSync(join(out, 'out', 'lenet5-int8.onnx')).size).toBeLessThan(0.3 * statSync(join(ROOT, 'resources/models/lenet5-mnist.onnx')).size);
  });

  it('every bundled example validates', async () => {
    for (const file of readdirSync(join(ROOT, 'resources/examples')).filter((f) => f.endsWith('.json'))) {
      const r = await whittle(['validate', join('resources/examples', file)]);
      expect(r.code, `${file}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    // One CLI process per example (eight of them): tens of seconds on a busy 2-core machine.
  }, 240_000);

  it('run exits 1 and names the node when a node fails', async () => {
    writeFileSync(join(dir, 'broken.onnx'), 'not a model');
    const p = join(dir, 'fails.json');
    writeFileSync(p, JSON.stringify({
      format: 'whittle.pipeline', version: 1, name: 'fails',
      nodes: [{ id: 'load', kind: 'model.onnx', params: { path: 'broken.onnx' } }, { id: 'save', kind: 'export', params: {} }],
      edges: [{ from: ['load', 'model'], to: ['save', 'model'] }],
    }));
    const r = await whittle(['run', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[load\] FAILED: .*broken\.onnx/);
    expect(r.stdout).toMatch(/save\s+skipped/);
  });

  it('validate: 0 for a valid file, 1 with every problem listed otherwise', async () => {
    expect((await whittle(['validate', 'resources/examples/lenet5.json'])).code).toBe(0);
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify({
      format: 'whittle.pipeline', version: 1, name: 'bad',
      nodes: [{ id: 'a', kind: 'model.onnx', params: { path: 'x.txt' } }, { id: 'b', kind: 'export', params: {} }, { id: 'c', kind: 'quantum.leap', params: {} }],
      edges: [],
    }));
    const r = await whittle(['validate', p, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.problems.map((x: { code: string; nodeId: string }) => `${x.code}@${x.nodeId}`).sort()).toEqual(['pipeline.bad-param@a', 'pipeline.missing-input@b', 'pipeline.unknown-kind@c']);
    writeFileSync(join(dir, 'trunc.json'), '{"format": "whittle.pipeline", "nodes": [');
    const t = await whittle(['validate', join(dir, 'trunc.json')]);
    expect(t.code).toBe(1);
    expect(t.stdout).toContain('truncated');
  });

  it('nodes --json lists every kind with ports and params; --help exits 0', async () => {
    const r = await whittle(['nodes', '--json']);
    expect(r.code).toBe(0);
    const kinds = JSON.parse(r.stdout) as { kind: string; params: Record<string, { default: unknown; help: string }> }[];
    const model = kinds.find((k) => k.kind === 'model.onnx')!;
    expect(model.params.path).toMatchObject({ type: 'path', default: '', help: expect.any(String) });
    for (const k of kinds) for (const p of Object.values(k.params)) expect(p.default, `${k.kind}`).not.toBeUndefined();
    const help = await whittle(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <pipeline>/);
    expect((await whittle(['frobnicate'])).code).toBe(1);
  });

  it('Ctrl+C cancels the run cleanly: nodes cancelled, exit 130, within a second or two', async () => {
    const p = join(dir, 'slow.json');
    writeFileSync(p, JSON.stringify({
      format: 'whittle.pipeline', version: 1, name: 'slow',
      nodes: [{ id: 'nap', kind: 'test.sleep', params: { ms: 30000 } }, { id: 'then', kind: 'test.sleep', params: { ms: 1 } }],
      edges: [{ from: ['nap', 'out'], to: ['then', 'in'] }],
    }));
    let sentAt = 0;
    const r = await whittle(['run', p], { WHITTLE_PLUGINS: join(ROOT, 'test/engine/fixtures/test-kinds.ts') }, (text, child) => {
      if (!sentAt && text.includes('[nap] started')) {
        sentAt = Date.now();
        child.kill('SIGINT');
      }
    });
    expect(sentAt).toBeGreaterThan(0);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('[nap] cancelled');
    expect(r.stdout).toMatch(/Run \S+: cancelled/);
  });
});
