// The `whittle` command line: one commander program; every command lives in its own
// file under commands/ and is listed once in commands/index.ts.
import { Command } from 'commander';
import { whittleVersion } from '../api/version.ts';
import { COMMANDS } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('whittle')
    .description('Compress ONNX models for edge boards: run, validate and inspect Whittle pipelines.')
    .version(whittleVersion(), '-V, --version')
    .showHelpAfterError('(run `whittle --help` for usage)');
  for (const register of COMMANDS) register(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
