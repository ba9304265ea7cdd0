// Documents kept by an older Whittle inside a run record or the autosave file: read
// through the same forward migration as a pipeline file, so a version bump never makes
// the run history or a crash recovery unreadable.
import { z } from 'zod';
import { PIPELINE_VERSION, PipelineDocumentSchema } from './document.ts';
import { MIGRATIONS, migrateDocument, renameLegacyParams } from './migrate.ts';

function migrateStored(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const doc = raw as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version >= PIPELINE_VERSION || !MIGRATIONS[version]) return raw;
  return renameLegacyParams(migrateDocument(doc, version));
}

/** PipelineDocumentSchema for documents read back from storage (older versions migrate). */
export const StoredPipelineDocumentSchema = z.preprocess(migrateStored, PipelineDocumentSchema);
