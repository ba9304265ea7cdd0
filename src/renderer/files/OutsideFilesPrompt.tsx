// The prompt for a document that reads files outside its folder: the list of files, then
// "Allow for this session" (they join the allowed paths and the document opens) or Cancel
// (the open document stays as it was). Asked once: allowed files are not asked about again.
import { Modal } from '../app/Modal.tsx';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import type { PipelineState } from '../store/createPipelineStore.ts';

const selectTrustRequest = (s: PipelineState) => s.trustRequest;

export function OutsideFilesPrompt() {
  const store = usePipelineStoreApi();
  const request = usePipelineStore(selectTrustRequest);
  if (!request) return null;
  const cancel = () => store.getState().setTrustRequest(null);
  const allow = () => {
    const s = store.getState();
    for (const f of request.files) s.allowPath(f.path);
    s.setTrustRequest(null);
    s.loadDocument(request.document, request.path, { dirty: request.dirty, example: request.example });
  };
  return (
    <Modal title="This pipeline reads files outside its folder" onClose={cancel} testId="outside-files-prompt">
      <p>{request.path} uses {request.files.length === 1 ? 'a file' : `${request.files.length} files`} that {request.files.length === 1 ? 'is' : 'are'} not in its folder:</p>
      <ul className="wh-files__outside" data-testid="outside-files-list">
        {request.files.map((f) => <li key={`${f.nodeId}.${f.param}`}><code>{f.path}</code> <span className="wh-muted">({f.nodeId})</span></li>)}
      </ul>
      <p className="wh-muted">Allow Whittle to read and write them while this window is open? Only open pipelines you trust.</p>
      <div className="wh-modal__actions">
        <button type="button" className="wh-btn" onClick={cancel} data-testid="outside-files-cancel">Cancel</button>
        <button type="button" className="wh-btn wh-btn--primary" onClick={allow} data-testid="outside-files-allow">Allow for this session</button>
      </div>
    </Modal>
  );
}
