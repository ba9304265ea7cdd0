// `whittle validate <pipeline.json> [--allow-path P...]`: every problem at once (missing
// and refused files included, each with its node); exit 0 when there is none.
import type { Command } from 'commander';
import { toErrorData } from '../../../shared/errors.ts';
import type { PipelineDocument } from '../../../shared/pipeline/document.ts';
import { documentSweepCounts, hasSweeps } from '../../../shared/pipeline/sweep.ts';
import type { ApiService } from '../../api/service.ts';
import { formatProblem, reportError } from '../api.ts';
import { openForCli, outsideFilesAdvice } from '../open.ts';

/** ', sweeps make 6 variants' for a swept document, else ''. */
function sweepText(doc: PipelineDocument | null, api: ApiService): string {
  if (!doc || !hasSweeps(doc)) return '';
  const counts = documentSweepCounts(doc, new Map(api.ctx.catalog.map((k) => [k.kind, k])));
  const sampled = counts.variants !== null && counts.variants < counts.combinations ? ` sampled from ${counts.combinations}` : '';
  return `, sweeps make ${counts.variants} variant${counts.variants === 1 ? '' : 's'}${sampled}`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a pipeline file: syntax, format, node kinds, params, edges and cycles.')
    .argument('<pipeline>', 'pipeline .json file')
    .option('--json', 'print the problems as JSON')
    .option('--allow-path <path...>', 'files or folders outside the pipeline folder that nodes may use')
    .action(async (file: string, opts: { json?: boolean; allowPath?: string[] }) => {
      try {
        const opened = await openForCli(file, opts.allowPath);
        opened.api.dispose();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: opened.problems.length === 0, path: opened.path, problems: opened.problems }, null, 2)}\n`);
        } else if (opened.problems.length === 0) {
          process.stdout.write(`${opened.path}: valid (${opened.document?.nodes.length ?? 0} nodes, ${opened.document?.edges.length ?? 0} edges${sweepText(opened.document, opened.api)})${opened.migratedFrom !== undefined ? `, migrated from version ${opened.migratedFrom}` : ''}\n`);
        } else {
          process.stdout.write(`${opened.path}: ${opened.problems.length} problem${opened.problems.length > 1 ? 's' : ''}\n${opened.problems.map(formatProblem).join('\n')}\n`);
          process.stdout.write(outsideFilesAdvice(opened));
        }
        process.exitCode = opened.problems.length === 0 ? 0 : 1;
      } catch (err) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorData(err) }, null, 2)}\n`);
        process.exitCode = reportError(err);
      }
    });
}
