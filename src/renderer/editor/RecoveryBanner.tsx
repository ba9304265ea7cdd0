// After a crash: offers the autosaved document, with its time, to restore or discard.
import type { CallResponse } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

export type AutosaveEntry = NonNullable<CallResponse<'autosave.read'>['entry']>;

export function RecoveryBanner({ entry, onDone }: { entry: AutosaveEntry; onDone(): void }) {
  const api = useApi();
  const store = usePipelineStoreApi();
  const when = new Date(entry.savedAtMs).toLocaleString();
  return (
    <div className="wh-banner" role="alert" data-testid="recovery-banner">
      <span>
        Whittle found unsaved work on “{entry.document.name}” from {when} ({entry.document.nodes.length} nodes). Restore it?
      </span>
      <button
        type="button"
        className="wh-btn wh-btn--primary"
        data-testid="recovery-restore"
        onClick={() => {
          store.getState().loadDocument(entry.document, entry.documentPath, { dirty: true });
          onDone();
        }}
      >
        Restore
      </button>
      <button
        type="button"
        className="wh-btn"
        data-testid="recovery-discard"
        onClick={() => {
          void api.call('autosave.clear', {}).catch(() => undefined);
          onDone();
        }}
      >
        Discard
      </button>
    </div>
  );
}
