// A node job made portable for a queue worker on another machine (DESIGN.md §10): every
// file it reads (input models, path params, files named in dataset options) travels as a
// sha256 the coordinator's store serves, and the worker's result comes back as file hashes
// the coordinator stores in its own cache. Same files in, same bytes out, wherever it ran.
import { copyFile, link, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { PortValue } from '../../shared/catalog/types.ts';
import { WhittleError } from '../../shared/errors.ts';
import { NodeCache, sha256File } from '../engine/cache.ts';
import type { JobEnd, NodeJob, NodeOutcome } from '../engine/protocol.ts';
import type { ArtifactClient } from './artifact-client.ts';
import type { ArtifactStore, StoreAddress } from './artifact-store.ts';

export interface FileRef { rel: string; sha256: string; sizeBytes: number }
/** A file is one ref named by its base name; a folder is the refs of its files. */
export type PathRef = { kind: 'file'; file: FileRef } | { kind: 'folder'; files: FileRef[] };

export interface RemoteJob {
  job: NodeJob;
  /** A path string as the job holds it (absolute or document-relative) -> what it points to. */
  paths: Record<string, PathRef>;
  store: StoreAddress;
}

/** What a worker returns: the job's end, with the entry folder's files named by hash. */
export interface RemoteEnd {
  end: JobEnd;
  /** When the worker took the job (its clock): the coordinator counts the job's slot time from it. */
  takenAtMs: number;
  files: FileRef[];
  bytesDownloaded: number;
  bytesUploaded: number;
}

/** Where the result's paths pointed on the worker: replaced by the entry folder on the coordinator. */
const ENTRY_TOKEN = 'whittle-entry:';
const MAX_FOLDER_FILES = 100_000;

async function walk(dir: string, root = dir, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, root, out);
    else if (entry.isFile()) out.push(relative(root, path));
    if (out.length > MAX_FOLDER_FILES) throw new WhittleError('queue.folder-too-large', `The folder ${root} holds more than ${MAX_FOLDER_FILES} files: too many to send to queue workers.`, 'Run this pipeline without --queue, or point it at a smaller folder.');
  }
  return out;
}

/** Path strings a job reads: path params and string options of dataset inputs. */
function pathStrings(job: NodeJob): string[] {
  const out = new Set<string>();
  for (const v of Object.values(job.node.params)) if (typeof v === 'string' && v !== '') out.add(v);
  for (const v of Object.values(job.inputs)) {
    if (v?.type === 'dataset') for (const o of Object.values(v.options)) if (typeof o === 'string' && o !== '') out.add(o);
  }
  return [...out];
}

/** Coordinator side: registers every file the job reads with the store and names them by hash. */
export async function exportJob(job: NodeJob, store: ArtifactStore, address: StoreAddress, hashes: Map<string, string>): Promise<RemoteJob> {
  const hashOf = async (path: string) => {
    const s = await stat(path);
    const memo = `${path}:${s.size}:${s.mtimeMs}`;
    if (!hashes.has(memo)) hashes.set(memo, await sha256File(path));
    const sha256 = hashes.get(memo)!;
    store.register(sha256, path);
    return { sha256, sizeBytes: s.size };
  };
  const paths: Record<string, PathRef> = {};
  for (const v of Object.values(job.inputs)) {
    if (v?.type === 'model') {
      store.register(v.sha256, v.path);
      paths[v.path] = { kind: 'file', file: { rel: basename(v.path), sha256: v.sha256, sizeBytes: v.sizeBytes } };
    }
  }
  for (const text of pathStrings(job)) {
    const abs = resolve(job.documentDir, text);
    const s = await stat(abs).catch(() => null);
    if (s?.isFile()) paths[text] = { kind: 'file', file: { rel: basename(abs), ...(await hashOf(abs)) } };
    else if (s?.isDirectory()) {
      const files: FileRef[] = [];
      for (const rel of await walk(abs)) files.push({ rel, ...(await hashOf(join(abs, rel))) });
      paths[text] = { kind: 'folder', files };
    }
  }
  return { job, paths, store: address };
}

/** Worker side: fetches what the job reads and points the job at the local copies. */
export async function importJob(remote: RemoteJob, client: ArtifactClient, localDirs: { cacheDir: string; workDir: string; handlerModules: string[] }): Promise<NodeJob> {
  const local = new Map<string, string>();
  for (const [text, ref] of Object.entries(remote.paths)) {
    if (ref.kind === 'file') local.set(text, await client.materialize(ref.file.sha256, ref.file.rel));
    else {
      const root = join(localDirs.workDir, 'folders', String(local.size));
      for (const f of ref.files) await client.materialize(f.sha256, f.rel, root);
      local.set(text, root);
    }
  }
  const swap = <T>(v: T): T => (typeof v === 'string' && local.has(v) ? local.get(v) as T : v);
  const inputs: Record<string, PortValue | undefined> = {};
  for (const [port, v] of Object.entries(remote.job.inputs)) {
    if (v?.type === 'model') inputs[port] = { ...v, path: swap(v.path) };
    else if (v?.type === 'dataset') inputs[port] = { ...v, options: Object.fromEntries(Object.entries(v.options).map(([k, o]) => [k, swap(o)])) };
    else inputs[port] = v;
  }
  const params = Object.fromEntries(Object.entries(remote.job.node.params).map(([k, v]) => [k, swap(v)]));
  return {
    ...remote.job, inputs, node: { ...remote.job.node, params },
    documentDir: localDirs.workDir, outputDir: join(localDirs.workDir, 'out'), cacheDir: localDirs.cacheDir,
    // The worker's own plugins: the coordinator's module paths mean nothing here.
    handlerModules: localDirs.handlerModules,
  };
}

/** Worker side: uploads the files of a stored result and names them relative to its entry. */
export async function exportEnd(end: JobEnd, job: NodeJob, client: ArtifactClient, takenAtMs: number): Promise<RemoteEnd> {
  const files: FileRef[] = [];
  if (end.type === 'job.done') {
    const entryDir = new NodeCache(job.cacheDir).entryDir(job.cacheKey);
    for (const path of end.outcome.artifacts.filter((p) => p.startsWith(`${entryDir}/`))) {
      if (!(await stat(path)).isFile()) continue;
      const sha256 = await sha256File(path);
      await client.upload(path, sha256);
      files.push({ rel: relative(entryDir, path), sha256, sizeBytes: (await stat(path)).size });
    }
    const result = JSON.parse(JSON.stringify(end.outcome.result).split(JSON.stringify(entryDir).slice(1, -1)).join(ENTRY_TOKEN));
    end = { ...end, outcome: { ...end.outcome, result, artifacts: [] } };
  }
  return { end, takenAtMs, files, bytesDownloaded: client.bytesDownloaded, bytesUploaded: client.bytesUploaded };
}

/** Coordinator side: the worker's files, uploaded to the store, become an entry of this cache. */
export async function importEnd(remote: RemoteEnd, job: NodeJob, store: ArtifactStore): Promise<JobEnd> {
  const { end } = remote;
  if (end.type !== 'job.done') return end;
  const cache = new NodeCache(job.cacheDir);
  const workDir = await cache.workDir();
  for (const f of remote.files) {
    const blob = await store.pathOf(f.sha256);
    if (!blob) throw new WhittleError('queue.artifact-missing', `The worker that ran node "${job.node.id}" reported a file the store never received (${f.rel}).`, 'Run again; if it recurs, check the network between the workers and this machine.', job.node.id);
    await mkdir(dirname(join(workDir, f.rel)), { recursive: true });
    await link(blob, join(workDir, f.rel)).catch(() => copyFile(blob, join(workDir, f.rel)));
  }
  const result = JSON.parse(JSON.stringify(end.outcome.result).split(ENTRY_TOKEN).join(JSON.stringify(resolve(workDir)).slice(1, -1)));
  const stored = await cache.put(job.cacheKey, workDir, result);
  const outcome: NodeOutcome = { ...end.outcome, result: stored.result, artifacts: await cache.artifacts(stored.dir) };
  return { ...end, outcome, slotMs: Date.now() - remote.takenAtMs };
}
