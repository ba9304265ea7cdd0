// Short messages near the canvas: a refused connection's reason, a save, a failure.
import { useEffect } from 'react';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectToasts } from '../store/selectors.ts';
import type { Toast } from '../store/createPipelineStore.ts';

const TOAST_MS = { error: 9000, info: 5000, success: 3500 };
/** A toast that offers an action (Undo) stays long enough to reach its button. */
const ACTION_TOAST_MS = 12000;

function ToastItem({ toast }: { toast: Toast }) {
  const store = usePipelineStoreApi();
  useEffect(() => {
    const t = setTimeout(() => store.getState().dismissToast(toast.id), toast.action ? ACTION_TOAST_MS : TOAST_MS[toast.tone]);
    return () => clearTimeout(t);
  }, [store, toast]);
  return (
    <div className={`wh-toast wh-toast--${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-testid={`toast-${toast.tone}`}>
      <div className="wh-toast__body">
        <div className="wh-toast__message">{toast.message}</div>
        {toast.hint && <div className="wh-toast__hint">{toast.hint}</div>}
      </div>
      {toast.action && (
        <button type="button" className="wh-btn wh-toast__action" data-testid="toast-action" onClick={() => { toast.action!.run(); store.getState().dismissToast(toast.id); }}>
          {toast.action.label}
        </button>
      )}
      <button type="button" className="wh-icon-btn" aria-label="Dismiss" onClick={() => store.getState().dismissToast(toast.id)}>×</button>
    </div>
  );
}

export function Toasts() {
  const toasts = usePipelineStore(selectToasts);
  return (
    <div className="wh-toasts" data-testid="toasts">
      {toasts.map((t) => <ToastItem key={t.id} toast={t} />)}
    </div>
  );
}
