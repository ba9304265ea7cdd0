// The blocking error dialog: what went wrong, what to do, and every problem by node.
import { Modal } from '../app/Modal.tsx';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectDialog } from '../store/selectors.ts';

export function ErrorDialogView() {
  const store = usePipelineStoreApi();
  const dialog = usePipelineStore(selectDialog);
  if (!dialog) return null;
  const close = () => store.getState().showDialog(null);
  return (
    <Modal title={dialog.title} onClose={close} testId="error-dialog">
      <p className="wh-error" data-testid="error-dialog-message">{dialog.message}</p>
      {dialog.problems && dialog.problems.length > 1 && (
        <ul className="wh-problems">
          {dialog.problems.map((p, i) => (
            <li key={i}>
              {p.nodeId && <code className="wh-problems__node">{p.nodeId}</code>} {p.message}
              {p.hint && <div className="wh-muted">{p.hint}</div>}
            </li>
          ))}
        </ul>
      )}
      {dialog.problems?.length === 1 && dialog.problems[0].hint && <p className="wh-muted">{dialog.problems[0].hint}</p>}
      {dialog.hint && <p className="wh-muted">{dialog.hint}</p>}
      <div className="wh-modal__actions">
        <button type="button" className="wh-btn wh-btn--primary" onClick={close} data-testid="error-dialog-close">OK</button>
      </div>
    </Modal>
  );
}
