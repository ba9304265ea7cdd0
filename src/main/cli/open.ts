// Opening a pipeline for `validate` and `run`: the guard's roots are the pipeline's folder
// plus --allow-path (files or folders) and --out, applied BEFORE validation, so an allowed
// path is allowed everywhere. Files read outside the folder are listed with the flags to add.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import { filesOutsideFolder } from '../../shared/pipeline/outside.ts';
import { portableDocument } from '../../shared/pipeline/transform.ts';
import { documentFileProblems } from '../access/document-files.ts';
import type { ApiService } from '../api/service.ts';
import { cliApi } from './api.ts';

export interface OpenedForCli {
  api: ApiService;
  path: string;
  document: PipelineDocument | null;
  problems: Problem[];
  migratedFrom?: number;
  allowedPaths: string[];
}

/** The folder a pipeline argument lives in, for the roots (the file itself may be missing). */
function folderOf(file: string): string {
  const absolute = resolve(file);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? absolute : dirname(absolute);
}

export async function openForCli(file: string, allowPath: string[] = [], outDir?: string): Promise<OpenedForCli> {
  const allowedPaths = allowPath.map((p) => resolve(p));
  const api = await cliApi([folderOf(file), ...allowedPaths, ...(outDir ? [resolve(outDir)] : [])]);
  const opened = await api.call('documents.open', { path: file });
  if (opened.canceled) throw new Error('documents.open was cancelled without a dialog');
  if (!opened.document) return { api, path: opened.path, document: null, problems: opened.problems, allowedPaths };
  const checked = await api.call('pipeline.validate', { document: opened.document, documentPath: opened.path, allowedPaths });
  // Missing and refused input files, each with its node (pipeline.validate touches no files).
  const files = documentFileProblems(opened.document, api.ctx.catalog, api.ctx.access, { documentDir: dirname(opened.path), inputsOnly: true })
    .filter((f) => !checked.problems.some((q) => q.nodeId === f.nodeId && q.param === f.param));
  return {
    api, path: opened.path, document: opened.document, problems: [...checked.problems, ...files], allowedPaths,
    ...(opened.migratedFrom !== undefined ? { migratedFrom: opened.migratedFrom } : {}),
  };
}

/** A path as a POSIX shell word the user can paste: quoted when it holds spaces, (), $, quotes... */
function shellQuoted(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** "These files are outside the pipeline's folder: ... Run again with --allow-path ...", or ''. */
export function outsideFilesAdvice(opened: OpenedForCli): string {
  if (!opened.document) return '';
  const catalog = opened.api.ctx.catalog;
  const dir = dirname(opened.path);
  // Input paths made absolute (outputs stay relative: they land under --out): '../model.onnx' is
  // refused by the CLI's guard like an absolute path elsewhere, so it is named with its flag too.
  const outside = filesOutsideFolder(portableDocument(opened.document, catalog, dir, null), catalog, dir, opened.allowedPaths);
  if (outside.length === 0) return '';
  const lines = outside.map((f) => `  [${f.nodeId}] ${f.path}`);
  const flags = [...new Set(outside.map((f) => `--allow-path ${shellQuoted(f.path)}`))].join(' ');
  return `This pipeline reads files outside its folder:\n${lines.join('\n')}\nTo allow them, run again with: ${flags}\n`;
}
