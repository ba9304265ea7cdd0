// How big a document the browser host handles on its main thread. Parsing and checking
// cost about 10–20 µs per node there, so 5,000 nodes stay near 100 ms; pure document calls
// of any size go to the worker thread instead (document-worker.ts).
import type { ErrorData } from '../../shared/errors.ts';

export const HOST_INLINE_NODE_LIMIT = 5_000;

export function documentTooLarge(callName: string, nodes: number): ErrorData {
  return {
    code: 'host.document-too-large',
    message: `This document has ${nodes.toLocaleString('en-US')} nodes; the browser host handles ${callName} for documents of up to ${HOST_INLINE_NODE_LIMIT.toLocaleString('en-US')} nodes, so that one document cannot stall the other windows.`,
    hint: 'Validate and run it from the command line (`whittle validate`, `whittle run`), or split it into smaller pipelines.',
  };
}
