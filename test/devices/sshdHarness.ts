// A real OpenSSH server for the device tests: fresh host and client keys in a temp folder,
// its own sshd_config, `sshd -D` on a free 127.0.0.1 port. As root (CI) it logs in a test
// user that it creates and unlocks with a password; as anyone else sshd runs unprivileged
// and accepts only the user who started it, by key (it cannot read /etc/shadow, so the
// password tests say they need root and are skipped).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';

/** True when the tests run as root: a separate test user, password logins. */
export const AS_ROOT = process.getuid?.() === 0;
export const TEST_USER = AS_ROOT ? 'whittle-test' : userInfo().username;
/** Why a password test cannot run here, or undefined when it can. */
export const PASSWORD_SKIP = AS_ROOT ? undefined : 'password logins need sshd to run as root (it reads /etc/shadow); run the suite as root to include them';
export const TEST_PASSWORD = 'whittle-test-pw-4821';
export const KEY_PASSPHRASE = 'correct horse battery';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function ensureUser(): void {
  if (!AS_ROOT) return;
  try {
    execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER]);
  }
  // sshd refuses a locked account even for key auth when PAM is off.
  execFileSync('chpasswd', { input: `${TEST_USER}:${TEST_PASSWORD}\n` });
}

/** A second test user whose login shell is `shell` (root only): remote commands must not depend on it. */
function ensureShellUser(shell: string): string {
  const name = `whittle-${basename(shell)}`;
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    execFileSync('usermod', ['-s', shell, name]);
  } catch {
    execFileSync('useradd', ['-m', '-s', shell, name]);
  }
  execFileSync('chpasswd', { input: `${name}:${TEST_PASSWORD}\n` });
  return name;
}

function keygen(path: string, passphrase = ''): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'whittle-test', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8');
}

export interface SshServer {
  dir: string;
  port: number;
  keyPath: string;
  encryptedKeyPath: string;
  /** The user made for `loginShell` (same keys as TEST_USER), when one was asked for. */
  shellUser?: string;
  /** SHA-256 fingerprint of the current host key, as ssh-keygen -l prints it. */
  hostFingerprint(): string;
  /** Replaces the host key and restarts sshd on the same port (a "reflashed" board). */
  rotateHostKey(): Promise<void>;
  /** SIGKILLs the daemon and every sshd process it forked: the board vanishes mid-session. */
  killHard(): void;
  /** SIGSTOPs every sshd process: the board goes silent without closing anything (cable pulled). */
  freeze(): void;
  /** SIGCONTs them again. */
  thaw(): void;
  stop(): Promise<void>;
}

function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* process ended */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

function comm(pid: number): string {
  try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; }
}

/** Processes of the test user whose command line contains `needle` (a check, never a kill). */
export function userProcesses(needle: string): string[] {
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const u = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (u === uid && cmd.includes(needle)) out.push(`${entry} ${cmd}`);
    } catch { /* gone */ }
  }
  return out;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start on port ${port}`);
}

/** `pathDirs`: folders put first on the session PATH (e.g. a stand-in for a board's tools). */
export async function startSshd(opts: { pathDirs?: string[]; loginShell?: string } = {}): Promise<SshServer> {
  ensureUser();
  const shellUser = opts.loginShell && AS_ROOT ? ensureShellUser(opts.loginShell) : undefined;
  if (AS_ROOT) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'whittle-sshd-'));
  chmodSync(dir, 0o755);
  const keyPath = join(dir, 'client_ed25519');
  const encryptedKeyPath = join(dir, 'client_encrypted');
  const authorized = keygen(keyPath) + keygen(encryptedKeyPath, KEY_PASSPHRASE);
  const authPath = join(dir, 'authorized_keys');
  writeFileSync(authPath, authorized, { mode: 0o644 });
  const hostKey = join(dir, 'host_ed25519');
  keygen(hostKey);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `ListenAddress 127.0.0.1`,
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authPath}`,
    'UsePAM no', `PasswordAuthentication ${AS_ROOT ? 'yes' : 'no'}`, 'PubkeyAuthentication yes', 'KbdInteractiveAuthentication no',
    'StrictModes no', `PermitRootLogin ${AS_ROOT ? 'no' : 'prohibit-password'}`, `AllowUsers ${[TEST_USER, shellUser].filter(Boolean).join(' ')}`, 'Subsystem sftp internal-sftp',
    'MaxStartups 50', 'LogLevel ERROR', 'ClientAliveInterval 0',
    ...(opts.pathDirs?.length ? [`SetEnv PATH=${[...opts.pathDirs, '/usr/local/bin', '/usr/bin', '/bin'].join(':')}`] : []),
  ].join('\n') + '\n');
  let proc: ChildProcess;
  const start = async () => {
    proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => { if (process.env.WHITTLE_SSHD_LOG) process.stderr.write(d); });
    await waitForPort(port, 5000);
  };
  const stopProc = async () => {
    if (!proc || proc.exitCode !== null || proc.signalCode) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    dir, port, keyPath, encryptedKeyPath, ...(shellUser ? { shellUser } : {}),
    hostFingerprint: () => execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1],
    async rotateHostKey() {
      await stopProc();
      rmSync(hostKey); rmSync(`${hostKey}.pub`);
      keygen(hostKey);
      await start();
    },
    killHard() {
      const pids = [proc.pid!, ...descendants(proc.pid!).filter((p) => comm(p) === 'sshd')];
      for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ } }
    },
    freeze() {
      for (const p of [proc.pid!, ...descendants(proc.pid!).filter((q) => comm(q) === 'sshd')]) { try { process.kill(p, 'SIGSTOP'); } catch { /* gone */ } }
    },
    thaw() {
      for (const p of [proc.pid!, ...descendants(proc.pid!).filter((q) => comm(q) === 'sshd')]) { try { process.kill(p, 'SIGCONT'); } catch { /* gone */ } }
    },
    async stop() {
      await stopProc();
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An onnxruntime-node the test user can load: the repo's own node_modules when the user can
 * read it, else a copy of just what Linux needs (a clone under /root is not readable).
 */
export function boardOrtPath(repoNodeModules: string): { path: string; cleanup(): void } {
  if (!AS_ROOT) return { path: repoNodeModules, cleanup: () => {} };
  ensureUser();
  const canLoad = (dir: string) => {
    try {
      execFileSync('runuser', ['-u', TEST_USER, '--', 'node', '-e', 'require(process.argv[1])', join(dir, 'onnxruntime-node')], { stdio: 'ignore', timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  };
  if (canLoad(repoNodeModules)) return { path: repoNodeModules, cleanup: () => {} };
  const root = mkdtempSync(join(tmpdir(), 'whittle-board-ort-'));
  const nm = join(root, 'node_modules');
  const src = join(repoNodeModules, 'onnxruntime-node');
  const dst = join(nm, 'onnxruntime-node');
  const platformDir = join('bin', 'napi-v6', process.platform, process.arch);
  for (const part of ['package.json', 'dist', 'lib', platformDir]) cpSync(join(src, part), join(dst, part), { recursive: true });
  cpSync(join(repoNodeModules, 'onnxruntime-common'), join(nm, 'onnxruntime-common'), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', root]);
  if (!canLoad(nm)) throw new Error(`The test user ${TEST_USER} cannot run node with onnxruntime-node (is node on the default PATH?)`);
  return { path: nm, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
