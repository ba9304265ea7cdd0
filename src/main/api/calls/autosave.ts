// autosave.*: the open document kept in <data>/autosave/current.json (atomic writes),
// so a crash of the app or the machine loses at most the last few seconds of edits.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StoredPipelineDocumentSchema } from '../../../shared/pipeline/stored.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import type { CallImpl } from '../types.ts';
import type { ApiContext } from '../context.ts';

// An autosave from before a format bump still recovers (its document migrates forward).
const EntrySchema = z.object({ document: StoredPipelineDocumentSchema, documentPath: z.string().nullable(), dirty: z.boolean(), savedAtMs: z.number() });

function fileOf(ctx: ApiContext): string {
  return join(ctx.paths.autosave, 'current.json');
}

export const autosaveWrite: CallImpl<'autosave.write'> = async (req, ctx) => {
  const savedAtMs = Date.now();
  await writeFileAtomic(fileOf(ctx), JSON.stringify({ ...req, savedAtMs }));
  return { savedAtMs };
};

export const autosaveRead: CallImpl<'autosave.read'> = async (_req, ctx) => {
  try {
    return { entry: EntrySchema.parse(JSON.parse(await readFile(fileOf(ctx), 'utf8'))) };
  } catch {
    return { entry: null };
  }
};

export const autosaveClear: CallImpl<'autosave.clear'> = async (_req, ctx) => {
  await rm(fileOf(ctx), { force: true });
  return {};
};
