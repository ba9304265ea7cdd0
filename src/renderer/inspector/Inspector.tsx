// The right-hand panel: the selected node's form, generated from its kind's params spec
// (advanced params folded, visibleWhen respected, help on every field).
import { useId, useMemo } from 'react';
import type { ParamValue } from '../../shared/catalog/types.ts';
import { isParamVisible } from '../../shared/editor/params.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectDocumentPath, selectInspectedNode, selectKinds, selectSelectedEdges, selectSelectedNodes } from '../store/selectors.ts';
import { DatasetPreviewPanel } from '../results/dataset-preview/DatasetPreviewPanel.tsx';
import { NodeRunSummary } from './NodeRunSummary.tsx';
import { ParamField } from './ParamField.tsx';
import { TextDraftInput } from './TextDraftInput.tsx';

export function Inspector() {
  const store = usePipelineStoreApi();
  const selected = usePipelineStore(selectSelectedNodes);
  const selectedEdges = usePipelineStore(selectSelectedEdges);
  // The selected node's content only: a drag moving it (or any other node) leaves this alone.
  const node = usePipelineStore(selectInspectedNode);
  const kinds = usePipelineStore(selectKinds);
  const documentPath = usePipelineStore(selectDocumentPath);
  const labelId = useId();
  const spec = node ? kinds.get(node.kind) : undefined;
  const names = useMemo(() => (spec ? Object.keys(spec.params) : []), [spec]);

  if (!node) {
    return (
      <aside className="wh-inspector" data-testid="inspector">
        <h2 className="wh-panel-title">Inspector</h2>
        {selected.length > 1 ? (
          <p className="wh-muted">{selected.length} items selected. Ctrl+C copies them (a group with what is inside it), Ctrl+D duplicates them, Delete removes them.</p>
        ) : selectedEdges.length > 0 ? (
          <p className="wh-muted">{selectedEdges.length} connection{selectedEdges.length > 1 ? 's' : ''} selected. Delete removes {selectedEdges.length > 1 ? 'them' : 'it'}.</p>
        ) : (
          <p className="wh-muted">Select a node to edit its parameters. Drag kinds from the palette to add nodes; drag from an output port to an input port to connect them.</p>
        )}
      </aside>
    );
  }

  const setParam = (param: string, value: ParamValue | undefined) => store.getState().commit([{ type: 'setParam', id: node.id, param, value }]);
  const visible = names.filter((n) => isParamVisible(spec!, node.params, n));
  const basic = visible.filter((n) => !spec!.params[n].advanced);
  const advanced = visible.filter((n) => spec!.params[n].advanced);

  return (
    <aside className="wh-inspector" data-testid="inspector" data-node-id={node.id}>
      <h2 className="wh-panel-title">{spec?.title ?? node.kind}</h2>
      <div className="wh-inspector__meta">
        <code>{node.kind}</code> · id <code data-testid="inspector-node-id">{node.id}</code>
      </div>
      {spec && <p className="wh-inspector__desc">{spec.description}</p>}
      <div className="wh-field">
        <label className="wh-field__label" htmlFor={labelId}>Label</label>
        <TextDraftInput
          id={labelId}
          describedBy={`${labelId}-help`}
          value={node.label ?? ''}
          placeholder={spec?.title ?? node.kind}
          onCommit={(label) => store.getState().commit([{ type: 'setLabel', id: node.id, label }])}
          testId="inspector-label"
        />
        <span className="wh-field__help" id={`${labelId}-help`}>A name shown on the canvas and in results instead of the kind's title.</span>
      </div>
      {!spec && <p className="wh-error">This Whittle does not know the kind “{node.kind}”. The document may come from a newer version; its params are kept as they are.</p>}
      {spec && names.length === 0 && <p className="wh-muted">This node has no parameters.</p>}
      {spec && basic.map((name) => <ParamField key={`${node.id}.${name}`} nodeId={node.id} name={name} spec={spec.params[name]} params={node.params} onChange={setParam} />)}
      {spec && advanced.length > 0 && (
        <details className="wh-advanced" data-testid="inspector-advanced">
          <summary>Advanced ({advanced.length})</summary>
          {advanced.map((name) => <ParamField key={`${node.id}.${name}`} nodeId={node.id} name={name} spec={spec.params[name]} params={node.params} onChange={setParam} />)}
        </details>
      )}
      <NodeRunSummary nodeId={node.id} />
      {spec && <DatasetPreviewPanel kind={node.kind} params={node.params} documentPath={documentPath} />}
    </aside>
  );
}
