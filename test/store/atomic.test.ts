// Atomic saves: the new bytes land whole, and temp files a killed writer left behind
// (Whittle's own naming only) are removed by the next save into the same folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepStaleTemps, writeFileAtomic } from '../../src/main/store/atomic.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('writeFileAtomic', () => {
  it('writes the bytes and leaves no temp file', async () => {
    const target = join(dir, 'a', 'doc.json');
    await writeFileAtomic(target, '{"v":1}');
    await writeFileAtomic(target, new TextEncoder().encode('{"v":2}'));
    expect(readFileSync(target, 'utf8')).toBe('{"v":2}');
    expect(readdirSync(join(dir, 'a'))).toEqual(['doc.json']);
  });

  it('the next save removes stale temp files of Whittle naming, and nothing else', async () => {
    const folder = join(dir, 'b');
    await writeFileAtomic(join(folder, 'doc.json'), 'old');
    const dead = deadPid();
    const litter = [`doc.json.${dead}.0a1b2c3d.tmp`, 'doc.json.0123456789ab.tmp', `other.json.${process.pid}.deadbeef.tmp`];
    const keep = ['notes.tmp', 'doc.json.tmp', `doc.json.1.0a1b2c3d.tmp`, 'doc.json.0123456789ab.tmp.bak'];
    for (const name of [...litter, ...keep]) writeFileSync(join(folder, name), 'partial');
    await writeFileAtomic(join(folder, 'doc.json'), 'new');
    expect(readFileSync(join(folder, 'doc.json'), 'utf8')).toBe('new');
    for (const name of litter) expect(existsSync(join(folder, name))).toBe(false);
    // pid 1 is alive: its temp file may belong to a save in progress.
    expect(readdirSync(folder).sort()).toEqual(['doc.json', ...keep].sort());
  });

  it('a temp file of this process that is being written is kept', async () => {
    const folder = join(dir, 'c');
    await writeFileAtomic(join(folder, 'x.json'), '1');
    const inFlight = join(folder, `x.json.${process.pid}.00000000.tmp`);
    writeFileSync(inFlight, 'partial');
    expect(await sweepStaleTemps(folder, new Set([inFlight]))).toEqual([]);
    expect(await sweepStaleTemps(folder, new Set())).toEqual([inFlight]);
  });
});
