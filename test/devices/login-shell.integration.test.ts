// A board user whose login shell is not POSIX (tcsh, fish): Whittle's probe and profile
// scripts still run, through a real sshd on loopback, with hostile arguments intact.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBoard, type BoardConnection } from '../../src/main/devices/ssh.ts';
import { NODE_ORT_LOCATE, PROBE_SCRIPT, PROFILE_SCRIPT, remoteSh } from '../../src/main/devices/remoteScripts.ts';
import { AS_ROOT, startSshd, type SshServer } from './sshdHarness.ts';

const SHELLS = ['/usr/bin/tcsh', '/usr/bin/fish'].filter((s) => existsSync(s));
const SKIP = !AS_ROOT ? 'a user with another login shell can only be made as root'
  : SHELLS.length === 0 ? 'neither tcsh nor fish is installed (apt-get install tcsh fish)' : undefined;

describe.skipIf(SKIP !== undefined).each(SHELLS.length ? SHELLS : ['(none)'])(`board user with login shell %s${SKIP ? ` (skipped: ${SKIP})` : ''}`, (shell) => {
  let sshd: SshServer;
  let conn: BoardConnection;
  beforeAll(async () => {
    sshd = await startSshd({ loginShell: shell });
    conn = await connectBoard({
      device: { id: 'shell', name: 'shell board', transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: sshd.shellUser!, auth: { kind: 'key', keyPath: sshd.keyPath, hasPassphrase: false }, timeoutMs: 10_000 },
      secrets: {},
      acceptHostKey: sshd.hostFingerprint(),
      lookup: async () => '127.0.0.1',
    });
  }, 30_000);
  afterAll(async () => {
    conn?.close();
    await sshd?.stop();
  });

  it('the login shell really is the one under test', async () => {
    const { stdout } = await conn.run(remoteSh('getent passwd "$(id -un)" | cut -d: -f7'));
    expect(stdout.trim()).toBe(shell);
  });

  it('the probe script runs and reports the board', async () => {
    const { code, stdout, stderr } = await conn.run(remoteSh(PROBE_SCRIPT, ['', NODE_ORT_LOCATE]));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kernel=\S+/m);
    expect(stdout).toMatch(/^cpu_cores=\d+$/m);
  });

  it('the profile script hands hostile arguments to the runner as single words', async () => {
    const { stdout: dir } = await conn.run(remoteSh('mktemp -d'));
    const hostile = "x'; touch /tmp/PWNED-whittle; echo '$(id) \\\\ !! \n end";
    const channel = await conn.channel(remoteSh(PROFILE_SCRIPT, [dir.trim(), '30', 'printf', '[%s]', hostile, 'b c']));
    let out = '';
    channel.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise((resolve) => channel.on('close', resolve));
    expect(out.split('WHITTLE_OUT_BEGIN\n')[1].split('WHITTLE_OUT_END')[0]).toBe(`[${hostile}][b c]`);
    expect(out).toMatch(/WHITTLE_EXIT 0/);
    await conn.run(remoteSh('rm -rf -- "$1"', [dir.trim()]));
  });
});
