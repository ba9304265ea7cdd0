// Worker of the browser host: large socket frames are parsed here, and the pure document
// calls (pipeline.parse, which is how the editor opens a file's text, and pipeline.serialize)
// are answered here, so a 100,000-node document never stalls the other clients on the
// host's main thread. Other calls carrying a document too big to handle on the main thread
// (they touch files and session state that live there) are refused here, by node count.
import { parentPort, workerData } from 'node:worker_threads';
import { CALLS } from '../../shared/api/contract.ts';
import { CATALOG } from '../../shared/catalog/index.ts';
import type { ApiContext } from '../api/context.ts';
import { pipelineParse, pipelineSerialize } from '../api/calls/pipeline.ts';
import { NOT_A_CALL, readCallMessage, replyText, type OffloadResult } from './socket-messages.ts';
import { documentTooLarge, HOST_INLINE_NODE_LIMIT } from './document-limits.ts';

export interface DocumentWorkerData {
  workspace: string | null;
}

const PURE_CALLS = {
  'pipeline.parse': pipelineParse,
  'pipeline.serialize': pipelineSerialize,
} as const;

// Started as a worker thread (workerData) or, from source, as a child process (argv).
const data = (workerData ?? JSON.parse(process.argv[2] ?? 'null')) as DocumentWorkerData | null;
// The pure calls read only the catalog and the workspace from their context.
const ctx = { catalog: CATALOG, workspace: data?.workspace ?? null, door: 'browser' } as unknown as ApiContext;

function nodeCountOf(request: unknown): number {
  const doc = (request as { document?: { nodes?: unknown } } | null)?.document;
  return Array.isArray(doc?.nodes) ? doc.nodes.length : 0;
}

/** The reply as UTF-8 bytes, encoded here rather than on the host's main thread. */
const replyBytes = (id: number, envelope: Parameters<typeof replyText>[1]) => Buffer.from(replyText(id, envelope), 'utf8');

async function answer(frame: Uint8Array): Promise<OffloadResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8'));
  } catch {
    return { kind: 'close', reason: NOT_A_CALL };
  }
  const call = readCallMessage(raw);
  if (!call) return { kind: 'close', reason: NOT_A_CALL };
  if (!Object.hasOwn(PURE_CALLS, call.name)) {
    const nodes = nodeCountOf(call.request);
    if (nodes > HOST_INLINE_NODE_LIMIT) return { kind: 'reply', reply: replyBytes(call.id, { ok: false, error: documentTooLarge(call.name, nodes) }) };
    return { kind: 'inline' };
  }
  const name = call.name as keyof typeof PURE_CALLS;
  const parsed = CALLS[name].request.safeParse(call.request ?? {});
  // The main thread words a malformed request the same way for every call.
  if (!parsed.success) return { kind: 'inline' };
  try {
    const impl = PURE_CALLS[name] as (req: unknown, c: ApiContext) => Promise<unknown>;
    return { kind: 'reply', reply: replyBytes(call.id, { ok: true, value: await impl(parsed.data, ctx) }) };
  } catch {
    // Something this context lacks (the file guard lives on the main thread): answer there.
    return { kind: 'inline' };
  }
}

function reply(message: { id: number; result: OffloadResult }): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onRequest(message: { id: number; frame: Uint8Array }): void {
  answer(message.frame instanceof Uint8Array ? message.frame : new Uint8Array(0)).then(
    (result) => reply({ id: message.id, result }),
    () => reply({ id: message.id, result: { kind: 'inline' } }),
  );
}

if (parentPort) parentPort.on('message', onRequest);
else {
  process.on('message', (m) => onRequest(m as { id: number; frame: Uint8Array }));
  process.on('disconnect', () => process.exit(0));
}
