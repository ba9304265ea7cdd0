// The CLI's door onto the API: an in-process service (no sockets, no dialogs), data in
// WHITTLE_HOME or ~/.whittle, and how problems and errors are printed.
import type { Problem } from '../../shared/pipeline/document.ts';
import { isWhittleError, toErrorData } from '../../shared/errors.ts';
import { createApiService, type ApiService } from '../api/service.ts';

export function cliApi(): ApiService {
  return createApiService({ door: 'cli', workspace: process.cwd(), startupDocument: null });
}

export function formatProblem(p: Problem): string {
  const where = p.nodeId ? `[${p.nodeId}] ` : '';
  return `  ${where}${p.message}${p.hint ? `\n      hint: ${p.hint}` : ''}`;
}

/** Print an error the user can act on (never a stack trace) and return exit code 1. */
export function reportError(err: unknown): number {
  const data = toErrorData(err);
  process.stderr.write(`whittle: ${data.message}\n${data.hint ? `  hint: ${data.hint}\n` : ''}`);
  if (!isWhittleError(err) && process.env.WHITTLE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}
