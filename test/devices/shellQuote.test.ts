// The quoting function against a real /bin/sh: hostile strings must arrive as one
// unchanged argument and never run anything.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellCommand, shellQuote } from '../../src/main/devices/shellQuote.ts';

const HOSTILE = [
  '', ' ', "'", "''", "a'b", '"', '$(touch PWNED)', '`touch PWNED`', '; touch PWNED', '&& touch PWNED #',
  '| touch PWNED', '\n touch PWNED', '$HOME', '${IFS}', '*', '~', '\\', "\\'", "'\\''", '-rf /', 'a b\tc',
  '/tmp/my model (v2).onnx', 'ünïcødé 模型', '>PWNED', '<(touch PWNED)', '!!', '#comment',
];

describe('shellQuote', () => {
  it('passes each hostile string through sh as exactly one unchanged argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-quote-'));
    try {
      const line = `printf '%s\\0' ${shellCommand(HOSTILE)}`;
      const out = execFileSync('/bin/sh', ['-c', line], { cwd: dir, encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
      expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses a NUL byte', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
