// Browser host: a file dropped anywhere on the window is uploaded into Whittle/models in the
// workspace and put where it belongs (placeUploadedFile); an .onnx dropped outside the editor
// opens in the model viewer. A dialog's own drop zone comes first.
import { useEffect, useState } from 'react';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { requestModelView } from '../results/model-view/modelViewRequests.ts';
import { placeUploadedFile } from './placeUploadedFile.ts';
import { uploadFile } from './uploadFile.ts';

export function WindowDropUpload() {
  const api = useApi();
  const store = usePipelineStoreApi();
  const [uploading, setUploading] = useState<string | null>(null);

  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      const files = e.dataTransfer?.files;
      if (!files || files.length === 0) return;
      e.preventDefault();
      void (async () => {
        for (const file of Array.from(files)) {
          setUploading(file.name);
          try {
            const path = await uploadFile(api, file);
            // Outside the editor a model is dropped to be looked at, not wired into the pipeline.
            if (/\.onnx$/i.test(path) && store.getState().view !== 'editor') requestModelView(path);
            else store.getState().toast('success', placeUploadedFile(store, path));
          } catch (err) {
            store.getState().toast('error', `Could not upload ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
          } finally {
            setUploading(null);
          }
        }
      })();
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [api, store]);

  if (!uploading) return null;
  return <div className="wh-upload-banner" role="status" data-testid="upload-status">Uploading {uploading}…</div>;
}
