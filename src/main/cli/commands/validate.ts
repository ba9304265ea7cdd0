// `whittle validate <pipeline.json>`: every problem at once; exit 0 when there is none.
import type { Command } from 'commander';
import { toErrorData } from '../../../shared/errors.ts';
import { cliApi, formatProblem, reportError } from '../api.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a pipeline file: syntax, format, node kinds, params, edges and cycles.')
    .argument('<pipeline>', 'pipeline .json file')
    .option('--json', 'print the problems as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const api = await cliApi();
      try {
        const opened = await api.call('documents.open', { path: file });
        if (opened.canceled) return;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: opened.problems.length === 0, path: opened.path, problems: opened.problems }, null, 2)}\n`);
        } else if (opened.problems.length === 0) {
          process.stdout.write(`${opened.path}: valid (${opened.document?.nodes.length ?? 0} nodes, ${opened.document?.edges.length ?? 0} edges)${opened.migratedFrom !== undefined ? `, migrated from version ${opened.migratedFrom}` : ''}\n`);
        } else {
          process.stdout.write(`${opened.path}: ${opened.problems.length} problem${opened.problems.length > 1 ? 's' : ''}\n${opened.problems.map(formatProblem).join('\n')}\n`);
        }
        process.exitCode = opened.problems.length === 0 ? 0 : 1;
      } catch (err) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorData(err) }, null, 2)}\n`);
        process.exitCode = reportError(err);
      }
    });
}
