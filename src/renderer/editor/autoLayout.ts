// The Auto-layout command: ELK's layered layout (in a web worker, so a big graph never
// blocks the page) over the measured node sizes, applied as one undo step.
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { Node } from '@xyflow/react';
import { layoutChanges } from '../../shared/editor/elkLayout.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from './canvasPlacement.ts';

let elk: InstanceType<typeof ELK> | null = null;

function editorElk(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl });
  return elk;
}

/** Lays the pipeline out; false when there was nothing to do or the document changed meanwhile. */
export async function autoLayoutPipeline(store: PipelineStore, flowNodes: Node[]): Promise<boolean> {
  const s = store.getState();
  const doc = s.history.present;
  if (doc.nodes.length === 0) {
    s.toast('info', 'Add nodes before laying the pipeline out.');
    return false;
  }
  const measured = new Map(flowNodes.map((n) => [n.id, n.measured?.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined]));
  const kindOf = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  const notes = new Map((doc.notes ?? []).map((n) => [n.id, n.size]));
  const changes = await layoutChanges(editorElk(), doc, {
    sizeOf: (id) => measured.get(id) ?? notes.get(id) ?? estimatedNodeSize(s.kinds.get(kindOf.get(id) ?? '')),
    portsOf: (id) => {
      const spec = s.kinds.get(kindOf.get(id) ?? '');
      return { inputs: spec?.inputs.map((p) => p.name) ?? [], outputs: spec?.outputs.map((p) => p.name) ?? [] };
    },
  });
  const now = store.getState();
  if (now.history.present !== doc) {
    now.toast('info', 'The pipeline changed while it was being laid out; nothing was moved.', 'Run Auto-layout again.');
    return false;
  }
  now.commit(changes);
  return true;
}
