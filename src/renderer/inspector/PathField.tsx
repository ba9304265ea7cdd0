// A path param: typed in, or chosen with the native dialog (Electron) or the workspace
// browser (browser host). A chosen path is remembered as explicitly allowed.
import { useState } from 'react';
import type { PathParam } from '../../shared/catalog/types.ts';
import { paramError } from '../../shared/editor/params.ts';
import { useApi } from '../api/useApi.ts';
import { useAppInfo } from '../app/useAppInfo.ts';
import { FileBrowserDialog } from '../files/FileBrowserDialog.tsx';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectDocumentPath } from '../store/selectors.ts';
import { TextDraftInput } from './TextDraftInput.tsx';
import { dirnameOf, isInside, relativePath } from '../../shared/pipeline/paths.ts';

/** What a picked file is stored as: relative when it sits in the document's folder (it moves with it), else absolute. */
function storedPathValue(path: string, documentPath: string | null): string {
  const dir = documentPath ? dirnameOf(documentPath) : null;
  return dir && isInside(dir, path) ? relativePath(dir, path) ?? path : path;
}

interface Props {
  nodeId: string;
  spec: PathParam;
  value: string;
  onCommit(value: string): void;
  testId: string;
  id?: string;
  describedBy?: string;
}

export function PathField({ spec, value, onCommit, testId, id, describedBy }: Props) {
  const api = useApi();
  const info = useAppInfo();
  const store = usePipelineStoreApi();
  const documentPath = usePipelineStore(selectDocumentPath);
  const [browsing, setBrowsing] = useState(false);

  const choose = async () => {
    if (!info.nativeDialogs) {
      setBrowsing(true);
      return;
    }
    try {
      const res = await api.call('files.pick', { mode: spec.mode, extensions: spec.extensions, documentPath });
      if (res.canceled) return;
      store.getState().allowPath(res.path);
      onCommit(res.value);
    } catch (err) {
      store.getState().toast('error', err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="wh-path">
      <div className="wh-path__row">
        <TextDraftInput value={value} placeholder={spec.extensions?.map((e) => `*${e.startsWith('.') ? e : `.${e}`}`).join(', ')} validate={(d) => paramError(spec, d)} onCommit={onCommit} testId={testId} id={id} describedBy={describedBy} />
        <button type="button" className="wh-btn wh-btn--small" onClick={choose} data-testid={`${testId}-browse`}>Browse…</button>
      </div>
      {browsing && (
        <FileBrowserDialog
          mode={spec.mode}
          extensions={spec.extensions}
          title={spec.label}
          startDir={documentPath ? dirnameOf(documentPath) : null}
          onCancel={() => setBrowsing(false)}
          onChoose={(path) => {
            setBrowsing(false);
            store.getState().allowPath(path);
            onCommit(storedPathValue(path, documentPath));
          }}
        />
      )}
    </div>
  );
}
