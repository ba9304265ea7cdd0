// Validation of raw JSON-like data: the schema first, then the graph checks (validate.ts),
// which the editor runs alone on documents it holds, without loading the schema (bench:editor).
import type { NodeKindSpec } from '../catalog/types.ts';
import { PipelineDocumentSchema, type Problem } from './document.ts';
import { schemaProblems } from './schema-problems.ts';
import { validateDocument, type ValidateOptions } from './validate.ts';

/** Validate raw JSON-like data: schema problems first; graph checks when the shape is right. */
export function validateUnknown(raw: unknown, catalog: readonly NodeKindSpec[], options: ValidateOptions = {}): Problem[] {
  const parsed = PipelineDocumentSchema.safeParse(raw);
  if (!parsed.success) return schemaProblems(parsed.error.issues, raw);
  return validateDocument(parsed.data, catalog, options);
}
