// What one fuzz case does, run inside the fuzz worker process (so a native crash or a hang
// of one case is seen by the parent, never hides in it): an ONNX mutant through `inspect`
// and the model.onnx node, a pipeline document through parse/validate (and, for a few that
// validate clean, a real run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWhittleError } from '../../src/shared/errors.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { inspectModelPath } from '../../src/main/api/inspect.ts';
import { modelOnnx } from '../../src/main/engine/handlers/model-onnx.ts';

export type Outcome = 'success' | 'refusal' | 'failure';
export interface CaseResult { outcome: Outcome; detail?: string }

/** A WhittleError (stable code, not "internal") is a clean refusal; anything else is a failure. */
export function classify(err: unknown): CaseResult {
  if (isWhittleError(err) && (err as { code: string }).code !== 'internal') return { outcome: 'refusal', detail: (err as { code: string }).code };
  return { outcome: 'failure', detail: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err).slice(0, 300) };
}

export async function inspectCase(path: string): Promise<CaseResult> {
  try {
    inspectModelPath(path);
    return { outcome: 'success' };
  } catch (err) {
    return classify(err);
  }
}

export async function modelNodeCase(path: string): Promise<CaseResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'whittle-fuzz-node-'));
  try {
    await modelOnnx({
      nodeId: 'model', params: { path }, inputs: {}, documentDir: tmpdir(), workDir,
      signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
    });
    return { outcome: 'success' };
  } catch (err) {
    return classify(err);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function documentCase(text: string, documentDir: string): CaseResult & { valid: boolean } {
  try {
    const parsed = parsePipelineText(text);
    if (!parsed.document) return { outcome: 'refusal', detail: parsed.problems[0]?.code, valid: false };
    const problems = validateDocument(parsed.document, CATALOG, { documentDir });
    JSON.stringify(problems); // every message must be representable (no runaway strings)
    if (problems.length > 0) return { outcome: 'refusal', detail: problems[0].code, valid: false };
    return { outcome: 'success', valid: true };
  } catch (err) {
    return { ...classify(err), valid: false };
  }
}
