// The content-addressed node cache: key = sha256(kind, kind version, params, input keys,
// contents of files the node reads, the Whittle and ONNX Runtime versions). An entry is a
// folder <cache>/<k0k1>/<key>/ holding the node's artifacts and result.json; it appears by
// one atomic rename, so a crash never leaves half an entry.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NodeResult, PortValue } from '../../shared/catalog/types.ts';

/** JSON with sorted keys: equal values hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface CacheKeyParts {
  kind: string;
  version: number;
  params: Record<string, unknown>;
  /** Input port -> the upstream node's cache key and port. */
  inputKeys: Record<string, string>;
  /** Param name -> sha256 of the file it points to (or 'missing'). */
  fileHashes: Record<string, string>;
  /** Whittle's and ONNX Runtime's versions: a result an older release computed is not reused after an upgrade. */
  producer?: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(stableJson(parts)).digest('hex');
}

export interface CachedEntry {
  result: NodeResult;
  dir: string;
}

export class NodeCache {
  constructor(readonly dir: string) {}

  entryDir(key: string): string {
    return join(this.dir, key.slice(0, 2), key);
  }

  /** A hit only when the entry exists and every file it refers to is still there. */
  async get(key: string): Promise<CachedEntry | null> {
    const dir = this.entryDir(key);
    let result: NodeResult;
    try {
      result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as NodeResult;
    } catch {
      return null;
    }
    for (const v of Object.values(result.outputs)) {
      const path = (v as PortValue & { path?: string }).path;
      if (path && !(await access(path).then(() => true, () => false))) return null;
    }
    return { result, dir };
  }

  /** A fresh folder for a handler to write into. */
  async workDir(): Promise<string> {
    const dir = join(this.dir, 'tmp', `${Date.now()}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Move a handler's workDir into the cache under `key`, rewriting paths in the result
   * from the workDir to the entry. Returns the stored result.
   */
  async put(key: string, workDir: string, result: NodeResult): Promise<CachedEntry> {
    const dir = this.entryDir(key);
    const rewritten = JSON.parse(JSON.stringify(result).split(JSON.stringify(resolve(workDir)).slice(1, -1)).join(JSON.stringify(dir).slice(1, -1))) as NodeResult;
    await writeFile(join(workDir, 'result.json'), JSON.stringify(rewritten));
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(workDir, dir);
    } catch (err) {
      // Another run stored the same key first: keep theirs (same content by construction).
      if (!(await this.get(key))) throw err;
      await rm(workDir, { recursive: true, force: true });
    }
    return { result: rewritten, dir };
  }

  /**
   * Remove work folders a crashed or killed engine left behind. Only old ones: another
   * Whittle (the CLI beside the app) may be using a fresh one.
   */
  async sweepTemp(olderThanMs = 60 * 60 * 1000): Promise<number> {
    const tmp = join(this.dir, 'tmp');
    const names = await readdir(tmp).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const startedMs = Number(name.split('-')[0]);
      if (Number.isFinite(startedMs) && Date.now() - startedMs > olderThanMs) {
        await rm(join(tmp, name), { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Files of an entry other than result.json: the node's artifacts. */
  async artifacts(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => n !== 'result.json').sort().map((n) => join(dir, n));
  }
}
