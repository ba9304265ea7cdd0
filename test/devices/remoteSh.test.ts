// Remote commands run under an explicit `sh -c`, whatever the board user's login shell:
// sshd runs `<login shell> -c <our line>`, so the line must read the same in sh, bash,
// dash, tcsh and fish. Checked here by running it through each shell installed locally.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { remoteSh } from '../../src/main/devices/remoteScripts.ts';

const SHELLS = ['/bin/sh', '/bin/bash', '/usr/bin/dash', '/usr/bin/tcsh', '/usr/bin/fish', '/usr/bin/zsh'];
const installed = SHELLS.filter((s) => existsSync(s));
const HOSTILE = [
  "x'; touch /tmp/PWNED-whittle; echo '$(id)",
  'back\\slash \\\\ and \\n',
  'line one\nline two\n\n',
  '!history !! $HOME `id` "dq" *',
  '',
  'héllo wörld ✓',
  '-n',
];
const ECHO_ARGS = 'for a in "$@"; do printf "[%s]" "$a"; done; printf "|%s" "$0"';

describe('remoteSh', () => {
  it('the line outside the quoted decoder holds only words every shell reads literally', () => {
    const line = remoteSh(ECHO_ARGS, HOSTILE);
    const quoted = /^sh -c '([^']*)' whittle (.*)$/.exec(line);
    expect(quoted).not.toBeNull();
    expect(quoted![1]).not.toMatch(/[\\!\n']/);
    for (const word of quoted![2].split(' ')) expect(word).toMatch(/^x[A-Za-z0-9+/=]*$/);
  });

  it('refuses a NUL in an argument', () => {
    expect(() => remoteSh(ECHO_ARGS, ['a\0b'])).toThrow(/NUL/);
  });

  it.each(installed)('every argument arrives intact when the login shell is %s', (shell) => {
    // A fresh HOME of our own: fish writes its history and config there, and a shared /tmp
    // may hold another user's ~/.local.
    const home = mkdtempSync(join(tmpdir(), 'whittle-shell-home-'));
    const out = spawnSync(shell, ['-c', remoteSh(ECHO_ARGS, HOSTILE)], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: home } });
    rmSync(home, { recursive: true, force: true });
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(`${HOSTILE.map((a) => `[${a}]`).join('')}|whittle`);
    expect(existsSync('/tmp/PWNED-whittle')).toBe(false);
  });

  it('the test covers a non-POSIX login shell (install tcsh or fish to include it)', () => {
    const nonPosix = installed.filter((s) => /tcsh|fish/.test(s));
    if (nonPosix.length === 0) console.warn('remoteSh: no tcsh or fish installed; only POSIX shells were checked');
    // The quoting the old line used (POSIX single quotes around a multi-line script) is what tcsh rejects.
    if (installed.includes('/usr/bin/tcsh')) {
      const old = spawnSync('/usr/bin/tcsh', ['-c', `sh -c 'printf "%s\\n" a\nprintf b' whittle`], { encoding: 'utf8' });
      expect(old.status).not.toBe(0);
    }
    expect(execFileSync('/bin/sh', ['-c', remoteSh('printf %s "$1"', ['ok'])], { encoding: 'utf8' })).toBe('ok');
  });
});
