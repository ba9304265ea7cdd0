// Atomic file writes: write a temp file in the same folder, flush it to disk, rename it over
// the target and flush the folder, so a crash or a power loss leaves either the old file or
// the new one, never half of one. Temp files a killed writer left behind are swept on the
// next save into the same folder (a folder listing: cheap next to the fsyncs).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `<name>.<pid>.<8 hex>.tmp`, and the older `<name>.<12 hex>.tmp` of earlier versions. */
const TEMP_NAME = /^(.+)\.(?:(\d+)\.[0-9a-f]{8}|[0-9a-f]{12})\.tmp$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whittle's own temp files in `dir` whose writer is gone (or, for our own pid, not writing now). */
export async function sweepStaleTemps(dir: string, inFlight: ReadonlySet<string> = writing): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const pid = m[2] === undefined ? null : Number(m[2]);
    const stale = pid === null || (pid === process.pid ? !inFlight.has(path) : !processAlive(pid));
    if (!stale) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

const writing = new Set<string>();

/** Flush a folder's entries (the rename) to disk; platforms that cannot open a folder skip it. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw err;
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await sweepStaleTemps(dir);
  const temp = join(dir, `${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writing.add(temp);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncFolder(dir);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    writing.delete(temp);
  }
}
