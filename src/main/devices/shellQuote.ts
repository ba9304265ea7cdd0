// The one way a string reaches a board's shell: POSIX single quotes, with embedded
// quotes closed, escaped and reopened. Remote commands are built by remoteSh
// (remoteScripts.ts), which carries the words so any login shell reads them the same.
import { WhittleError } from '../../shared/errors.ts';

export function shellQuote(value: string): string {
  // A NUL cannot be part of an argument; refuse it rather than let the shell cut the string.
  if (value.includes('\0')) throw new WhittleError('device.bad-argument', 'A value sent to the board contains a NUL character.', 'Remove the character from the path or name.');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** argv -> one shell command line, every word quoted. */
export function shellCommand(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
