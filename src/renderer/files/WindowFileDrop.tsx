// A file dropped anywhere on the window: on the desktop Whittle uses it where it is (its path
// from the preload), in the browser host it is uploaded into Whittle/models in the workspace;
// then it goes where it belongs (placeDroppedFile: a model dropped on the canvas becomes a
// model node there). An .onnx dropped outside the editor opens in the model viewer. A
// dialog's own drop zone comes first.
import { useEffect, useState } from 'react';
import { WhittleError } from '../../shared/errors.ts';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { requestModelView } from '../results/model-view/modelViewRequests.ts';
import { canvasDropPoint } from './canvasDropPoint.ts';
import { desktopPathForFile, droppedFilePath } from './droppedFilePath.ts';
import { placeDroppedFile } from './placeDroppedFile.ts';

export function WindowFileDrop() {
  const api = useApi();
  const store = usePipelineStoreApi();
  const [uploading, setUploading] = useState<string | null>(null);

  useEffect(() => {
    const pathForFile = desktopPathForFile();
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
      const at = canvasDropPoint(e.clientX, e.clientY);
      void (async () => {
        for (const file of Array.from(files)) {
          try {
            const path = await droppedFilePath(api, file, pathForFile, () => setUploading(file.name));
            // Outside the editor a model is dropped to be looked at, not wired into the pipeline.
            if (/\.onnx$/i.test(path) && store.getState().view !== 'editor') requestModelView(path);
            // Several models dropped at once: the first at the drop point, the others at the nearest free spots.
            else store.getState().toast('success', placeDroppedFile(store, path, at));
          } catch (err) {
            store.getState().toast('error', `Could not add ${file.name}: ${err instanceof Error ? err.message : String(err)}`, err instanceof WhittleError ? err.hint : undefined);
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
