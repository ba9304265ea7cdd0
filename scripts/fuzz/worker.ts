// The fuzz worker process: answers one case at a time over IPC. The parent times each case
// and restarts this process when it hangs or dies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService } from '../../src/main/api/service.ts';
import { documentCase, inspectCase, modelNodeCase, type CaseResult } from './cases.ts';

export type CaseRequest =
  | { kind: 'inspect' | 'model-node'; path: string }
  | { kind: 'document'; text: string; documentDir: string; run: boolean; documentPath: string };
export type WorkerRequest = CaseRequest & { id: number };

const home = mkdtempSync(join(tmpdir(), 'whittle-fuzz-home-'));
let api: ReturnType<typeof createApiService> | null = null;

async function runDocument(text: string, documentPath: string): Promise<CaseResult> {
  api ??= createApiService({ door: 'cli', home });
  const outDir = mkdtempSync(join(tmpdir(), 'whittle-fuzz-out-'));
  try {
    const document = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    // documentPath: the example the mutant came from (it exists, as the file guard wants).
    const envelope = await api.dispatch('runs.start', { document, documentPath, outDir });
    if (!envelope.ok) return { outcome: envelope.error.code === 'internal' ? 'failure' : 'refusal', detail: envelope.error.code };
    const { runId } = envelope.value as { runId: string };
    const record = await api.ctx.runner.wait(runId);
    if (record.status === 'done') return { outcome: 'success' };
    const errors = Object.values(record.nodes ?? {}).map((n) => (n as { error?: { code: string } }).error?.code).filter(Boolean);
    return { outcome: errors.includes('internal') ? 'failure' : 'refusal', detail: errors[0] ?? record.status };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function handle(req: WorkerRequest): Promise<CaseResult & { valid?: boolean; ran?: CaseResult }> {
  if (req.kind !== 'document') return req.kind === 'inspect' ? inspectCase(req.path) : modelNodeCase(req.path);
  const checked = documentCase(req.text, req.documentDir);
  if (!checked.valid || !req.run) return checked;
  return { ...checked, ran: await runDocument(req.text, req.documentPath) };
}

process.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (result) => process.send?.({ id: req.id, result }),
    (err: unknown) => process.send?.({ id: req.id, result: { outcome: 'failure', detail: String(err).slice(0, 300) } }),
  );
});
process.on('disconnect', () => {
  api?.dispose();
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
});
process.send?.({ ready: true });
