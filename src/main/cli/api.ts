// The CLI's door onto the API: an in-process service (no sockets, no dialogs), data in
// WHITTLE_HOME or ~/.whittle, and how problems and errors are printed.
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { Problem } from '../../shared/pipeline/document.ts';
import { isWhittleError, toErrorData } from '../../shared/errors.ts';
import { createApiService, type ApiService } from '../api/service.ts';

/**
 * WHITTLE_PLUGINS: extra node-kind modules (path-separated list), each exporting `kinds`
 * (NodeKindSpec[]) and `handlers` (by kind). The engine process imports them too.
 */
async function pluginKinds(): Promise<{ kinds: NodeKindSpec[]; modules: string[] }> {
  const modules = (process.env.WHITTLE_PLUGINS ?? '').split(delimiter).filter(Boolean).map((p) => resolve(p));
  const kinds: NodeKindSpec[] = [];
  for (const m of modules) kinds.push(...(((await import(pathToFileURL(m).href)) as { kinds?: NodeKindSpec[] }).kinds ?? []));
  return { kinds, modules };
}

/**
 * The CLI's API. `fileScope`: the folders its file guard lets nodes read and write (the
 * pipeline's folder, --allow-path, --out; DESIGN.md §8). Absent: commands that touch no
 * pipeline files (nodes).
 */
export async function cliApi(fileScope?: string[]): Promise<ApiService> {
  const plugins = await pluginKinds();
  return createApiService({
    door: 'cli', workspace: process.cwd(), startupDocument: null, extraKinds: plugins.kinds, handlerModules: plugins.modules,
    ...(fileScope ? { fileScope, widenHint: 'Pass --allow-path <file or folder> to let the pipeline use files outside its folder.' } : {}),
  });
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
