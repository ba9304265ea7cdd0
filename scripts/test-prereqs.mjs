// What `npm test` needs beyond npm's own packages, found or installed before anything runs:
// a Chromium for the end-to-end suite and OpenSSH's sshd (with ssh-keygen) for the device
// suites, and redis-server for the queue suite; tcsh and fish, board users' login shells the
// device suite also runs under, are installed where apt-get can (else that suite says it skipped).
// Debian/Ubuntu as root: apt-get installs what is missing. Elsewhere Chromium
// comes from Playwright's own download. What cannot be installed stops the run with one
// sentence naming the missing piece and the command that installs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const isRoot = process.getuid?.() === 0;

function osRelease() {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k) => new RegExp(`^${k}="?([^"\\n]*)`, 'm').exec(text)?.[1] ?? '';
    return { id: get('ID'), like: get('ID_LIKE') };
  } catch {
    return { id: '', like: '' };
  }
}

const os = osRelease();
const debianFamily = os.id === 'debian' || os.id === 'ubuntu' || /\b(debian|ubuntu)\b/.test(os.like);
// Ubuntu's `chromium` package is a snap stub that does not run headless in containers.
const debianChromium = os.id === 'debian' || (/\bdebian\b/.test(os.like) && !/\bubuntu\b/.test(os.like) && os.id !== 'ubuntu');
const hasApt = existsSync('/usr/bin/apt-get');

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The Chromium the e2e suite will use, or null (same order as playwright.config.ts). */
export function findChromium() {
  if (process.env.WHITTLE_CHROMIUM) return existsSync(process.env.WHITTLE_CHROMIUM) ? process.env.WHITTLE_CHROMIUM : null;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const path = require('playwright-core').chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export function findSshd() {
  if (existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd';
  return onPath('sshd') ? 'sshd' : null;
}

/** Runs an installer quietly; its output is shown only when it fails. */
function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) process.stdout.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`);
  return r.status === 0;
}

let aptUpdated = false;
function aptInstall(packages) {
  if (!aptUpdated) aptUpdated = run('apt-get', ['update', '-q']);
  return aptUpdated && run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages]);
}

/** tcsh and fish for test/devices/login-shell.integration.test.ts, where apt-get can install them; optional. */
function installLoginShells() {
  const shells = ['tcsh', 'fish'].filter((s) => !existsSync(`/usr/bin/${s}`));
  if (shells.length === 0 || !(isRoot && hasApt && debianFamily)) return;
  console.log(`npm test: installing ${shells.join(' and ')} with apt-get (login shells the device tests also run under).`);
  if (!aptInstall(shells)) console.log(`npm test: ${shells.join(' and ')} could not be installed; the login-shell device tests will say they skipped.`);
}

/**
 * Finds or installs what the suites need. Returns null when all is there, else the one
 * sentence to print before stopping.
 */
export function ensureTestPrerequisites() {
  installLoginShells();
  const missing = [];
  if (!findChromium()) missing.push('chromium');
  if (!findSshd() || !onPath('ssh-keygen')) missing.push('openssh-server');
  if (!existsSync('/usr/bin/redis-server')) missing.push('redis-server');
  if (missing.length === 0) return null;

  const viaApt = missing.filter((p) => p !== 'chromium' || debianChromium);
  if (viaApt.length && isRoot && hasApt && debianFamily) {
    console.log(`npm test: installing ${viaApt.join(' and ')} with apt-get (needed by the ${viaApt.map((p) => ({ chromium: 'end-to-end', 'redis-server': 'queue' })[p] ?? 'device').join(' and ')} tests).`);
    if (aptInstall(viaApt)) {
      missing.splice(0, missing.length, ...missing.filter((p) => !viaApt.includes(p)));
    }
  }
  if (missing.includes('chromium') && !findChromium()) {
    console.log('npm test: no Chromium found; fetching Playwright\'s own build (npx playwright install chromium).');
    const cli = new URL('../node_modules/.bin/playwright', import.meta.url).pathname;
    if (run(cli, ['install', 'chromium']) && findChromium()) {
      missing.splice(missing.indexOf('chromium'), 1);
    }
  }
  if (missing.includes('openssh-server') && findSshd() && onPath('ssh-keygen')) missing.splice(missing.indexOf('openssh-server'), 1);
  if (missing.includes('redis-server') && existsSync('/usr/bin/redis-server')) missing.splice(missing.indexOf('redis-server'), 1);
  if (missing.length === 0) return null;

  const how = missing.map((p) => {
    if (p === 'chromium') {
      return 'Chromium for the end-to-end tests is missing: install it with `sudo apt-get install chromium` (Debian), or `npx playwright install chromium`, or point WHITTLE_CHROMIUM at a Chromium binary';
    }
    if (p === 'redis-server') return 'redis-server for the queue tests (test/scale) is missing: install it with `sudo apt-get install redis-server` (Debian/Ubuntu)';
    return 'OpenSSH\'s sshd for the device tests is missing: install it with `sudo apt-get install openssh-server` (Debian/Ubuntu) or your system\'s openssh package';
  });
  return `${how.join('; and ')}.`;
}
