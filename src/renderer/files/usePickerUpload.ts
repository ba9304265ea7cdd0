// Upload from the picker (the Upload… button or a file dropped on it): one file after the
// other, the name of the one in flight for the button, errors to the picker's error line.
import { useState } from 'react';
import { useApi } from '../api/useApi.ts';
import { uploadFile } from './uploadFile.ts';

export function usePickerUpload(onUploaded: (path: string) => void, onError: (message: string) => void) {
  const api = useApi();
  const [uploading, setUploading] = useState<string | null>(null);
  const upload = async (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      setUploading(file.name);
      try {
        onUploaded(await uploadFile(api, file));
      } catch (err) {
        onError(err instanceof Error ? err.message : String(err));
      } finally {
        setUploading(null);
      }
    }
  };
  return { uploading, upload };
}
