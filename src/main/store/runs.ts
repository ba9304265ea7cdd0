// Run history: one JSON file per run record under <data>/runs, newest first by start time.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeOutcome, RunRecordSchema, type RunRecord, type RunSummary } from '../../shared/api/run.ts';
import { WhittleError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

export class RunHistory {
  constructor(readonly dir: string) {}

  private fileOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new WhittleError('runs.bad-id', `"${id}" is not a run id.`, 'Run ids look like 20260101-120000-ab12cd.');
    return join(this.dir, `${id}.json`);
  }

  async save(record: RunRecord): Promise<void> {
    await writeFileAtomic(this.fileOf(record.id), `${JSON.stringify(record, null, 2)}\n`);
  }

  async get(id: string): Promise<RunRecord> {
    const file = this.fileOf(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new WhittleError('runs.not-found', `There is no run "${id}" in the run history.`, 'List runs with `runs.list` (or `whittle` runs in the app\'s Runs view).');
    }
    return RunRecordSchema.parse(JSON.parse(text));
  }

  async list(limit = 100): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    // Ids start with a UTC timestamp, so name order is start order.
    names.sort().reverse();
    const out: RunSummary[] = [];
    for (const name of names.slice(0, limit)) {
      try {
        out.push(summarize(await this.get(name.slice(0, -5))));
      } catch {
        // A record from another version or half-written by a crashed older build: skip it.
      }
    }
    return out;
  }
}

export function summarize(r: RunRecord): RunSummary {
  const summary: RunSummary = {
    id: r.id, status: r.status, name: r.name, startedAt: r.startedAt, documentPath: r.documentPath,
    nodeCount: Object.keys(r.nodes).length,
    failedNodeIds: Object.values(r.nodes).filter((n) => n.status === 'failed').map((n) => n.nodeId),
    warningNodeIds: Object.values(r.nodes).filter((n) => nodeOutcome(n) === 'warning').map((n) => n.nodeId),
  };
  if (r.finishedAt) summary.finishedAt = r.finishedAt;
  if (r.durationMs !== undefined) summary.durationMs = r.durationMs;
  if (r.error) summary.error = r.error;
  return summary;
}
