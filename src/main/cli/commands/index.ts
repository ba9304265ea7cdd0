// Every `whittle` sub-command: each file exports a function that adds its command to the
// program. Add one line per command.
import type { Command } from 'commander';
import { registerInspect } from './inspect.ts';
import { registerNodes } from './nodes.ts';
import { registerRun } from './run.ts';
import { registerValidate } from './validate.ts';
import { registerWorker } from './worker.ts';
import { registerView } from './view.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerNodes,
  registerInspect,
  registerView,
  registerWorker,
];
