// Text -> document: size cap, JSON syntax (truncated files named as such), the format
// marker, the version (newer refused, older migrated forward), then the strict schema.
// Returns the document or every problem that prevents one; never throws on bad input.
import { MAX_PIPELINE_BYTES, PIPELINE_FORMAT, PIPELINE_VERSION, PipelineDocumentSchema, type PipelineDocument, type Problem } from './document.ts';
import { MIGRATIONS, migrateDocument, renameLegacyParams } from './migrate.ts';
import { schemaProblems } from './schema-problems.ts';
import { formatBytes } from '../format.ts';

export interface ParseResult {
  document: PipelineDocument | null;
  problems: Problem[];
  /** Set when the text was an older version that was migrated forward. */
  migratedFrom?: number;
}

function fail(code: string, message: string, hint?: string): ParseResult {
  const problem: Problem = { code, message };
  if (hint) problem.hint = hint;
  return { document: null, problems: [problem] };
}


export function tooLargeMessage(sizeBytes: number): { message: string; hint: string } {
  return {
    message: `The pipeline file is ${formatBytes(sizeBytes)}; Whittle opens pipeline files up to ${formatBytes(MAX_PIPELINE_BYTES)}.`,
    hint: 'A pipeline holds nodes and settings, not models or data: check that this is the right file.',
  };
}

/** "line L, column C" for a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function jsonProblem(text: string, err: unknown): ParseResult {
  const detail = err instanceof Error ? err.message : String(err);
  if (/end of (JSON )?input|Unterminated|Unexpected end/i.test(detail)) {
    return fail('pipeline.truncated', 'The pipeline file ends in the middle of its JSON: it looks truncated.', 'Restore it from a backup or the autosave; the open document was not changed.');
  }
  const pos = /position (\d+)/.exec(detail);
  const where = pos ? ` at ${lineColumn(text, Number(pos[1]))}` : '';
  // Not the parser's message: it quotes the file's first characters, and an error must never
  // echo the contents of a file (it may not be a pipeline at all, DESIGN.md §8).
  return fail('pipeline.not-json', `The pipeline file is not valid JSON${where}.`, 'Open the file in a text editor and fix the syntax, or choose another file.');
}

export function parsePipelineText(input: string): ParseResult {
  // A UTF-8 byte order mark (some Windows editors write one) is not part of the JSON.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sizeBytes = new TextEncoder().encode(text).length;
  if (sizeBytes > MAX_PIPELINE_BYTES) {
    const { message, hint } = tooLargeMessage(sizeBytes);
    return fail('pipeline.too-large', message, hint);
  }
  if (text.trim() === '') return fail('pipeline.empty', 'The pipeline file is empty.', 'Choose another file, or start a new pipeline.');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return jsonProblem(text, err);
  }
  return parsePipelineJson(raw);
}

/** Already-parsed JSON -> document (format, version, migration, schema). */
export function parsePipelineJson(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('pipeline.wrong-format', 'This JSON is not a Whittle pipeline: it is not an object.', `A pipeline starts with { "format": "${PIPELINE_FORMAT}", "version": ${PIPELINE_VERSION}, ... }.`);
  }
  const obj = raw as Record<string, unknown>;
  if (obj.format !== PIPELINE_FORMAT) {
    const found = obj.format === undefined ? 'it has no "format" field' : `its format is ${JSON.stringify(obj.format)}`;
    return fail('pipeline.wrong-format', `This JSON is not a Whittle pipeline: ${found}.`, `A pipeline file has "format": "${PIPELINE_FORMAT}".`);
  }
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return fail('pipeline.wrong-format', `The pipeline's "version" must be a whole number (found ${JSON.stringify(version)}).`, `This Whittle writes version ${PIPELINE_VERSION}.`);
  }
  if (version > PIPELINE_VERSION) {
    return fail('pipeline.version-newer', `This pipeline was written by a newer Whittle (format version ${version}); this one reads up to version ${PIPELINE_VERSION}.`, 'Update Whittle to open it.');
  }
  let current: Record<string, unknown> = obj;
  let migratedFrom: number | undefined;
  if (version < PIPELINE_VERSION) {
    if (!MIGRATIONS[version]) return fail('pipeline.wrong-format', `Pipeline format version ${version} is not supported.`, `Supported versions: ${Object.keys(MIGRATIONS).join(', ')} to ${PIPELINE_VERSION}.`);
    current = migrateDocument(obj, version);
    migratedFrom = version;
  }
  current = renameLegacyParams(current);
  const parsed = PipelineDocumentSchema.safeParse(current);
  if (!parsed.success) return { document: null, problems: schemaProblems(parsed.error.issues, current), ...(migratedFrom !== undefined ? { migratedFrom } : {}) };
  return { document: parsed.data, problems: [], ...(migratedFrom !== undefined ? { migratedFrom } : {}) };
}
