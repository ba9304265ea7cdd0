// Run history: one JSON file per run record under <data>/runs, newest first by start time.
// The user's name, tags and note live in the record itself, so a record file says it all.
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeOutcome, RunRecordSchema, type RunRecord, type RunSummary } from '../../shared/api/run.ts';
import { WhittleError } from '../../shared/errors.ts';
import { RUN_NAME_MAX_CHARS, RUN_NOTE_MAX_CHARS, RUN_TAG_MAX_CHARS, RUN_TAGS_MAX } from '../../shared/results/run-name.ts';
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

  /** Apply the user's edits to a record (and return it); the caller saves it. */
  static edit(record: RunRecord, patch: RunEdit): RunRecord {
    const clean = checkEdit(patch);
    if (clean.name !== undefined) record.name = clean.name;
    if (clean.tags !== undefined) record.tags = clean.tags;
    if (clean.note !== undefined) record.note = clean.note;
    return record;
  }

  async update(id: string, patch: RunEdit): Promise<RunRecord> {
    const record = RunHistory.edit(await this.get(id), patch);
    await this.save(record);
    return record;
  }

  async delete(id: string): Promise<void> {
    const file = this.fileOf(id);
    try {
      await unlink(file);
    } catch {
      throw new WhittleError('runs.not-found', `There is no run "${id}" in the run history.`, 'It may have been deleted already; refresh the list.');
    }
  }

  /** Newest first; with `documentPath`, only the runs of that document file. */
  async list(limit = 100, documentPath?: string): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    // Ids start with a UTC timestamp, so name order is start order.
    names.sort().reverse();
    const out: RunSummary[] = [];
    for (const name of names) {
      if (out.length >= limit) break;
      try {
        const record = await this.get(name.slice(0, -5));
        if (documentPath === undefined || record.documentPath === documentPath) out.push(summarize(record));
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
  if (r.tags) summary.tags = r.tags;
  if (r.note !== undefined) summary.note = r.note;
  return summary;
}

export interface RunEdit {
  name?: string;
  tags?: string[];
  note?: string;
}

/** Trimmed, de-duplicated and within limits, or a WhittleError naming what is wrong. */
function checkEdit(patch: RunEdit): RunEdit {
  const out: RunEdit = {};
  if (patch.name !== undefined) {
    const name = patch.name.trim();
    if (!name) throw new WhittleError('runs.bad-name', 'A run needs a name.', 'Type a name, or press Escape to keep the old one.');
    if (name.length > RUN_NAME_MAX_CHARS) throw new WhittleError('runs.bad-name', `A run name has at most ${RUN_NAME_MAX_CHARS} characters (this one has ${name.length}).`, 'Shorten the name; put details in the note.');
    out.name = name;
  }
  if (patch.tags !== undefined) {
    const tags = [...new Set(patch.tags.map((t) => t.trim()).filter(Boolean))];
    const long = tags.find((t) => t.length > RUN_TAG_MAX_CHARS);
    if (long) throw new WhittleError('runs.bad-tag', `The tag "${long.slice(0, RUN_TAG_MAX_CHARS)}…" is longer than ${RUN_TAG_MAX_CHARS} characters.`, 'Tags are short labels such as "baseline" or "int8"; put sentences in the note.');
    if (tags.length > RUN_TAGS_MAX) throw new WhittleError('runs.bad-tag', `A run has at most ${RUN_TAGS_MAX} tags (${tags.length} given).`, 'Remove some tags.');
    out.tags = tags;
  }
  if (patch.note !== undefined) {
    if (patch.note.length > RUN_NOTE_MAX_CHARS) throw new WhittleError('runs.bad-note', `A note has at most ${RUN_NOTE_MAX_CHARS.toLocaleString('en-US')} characters (this one has ${patch.note.length.toLocaleString('en-US')}).`, 'Shorten the note.');
    out.note = patch.note;
  }
  return out;
}
