// Send a file from the user's machine to the browser host (files.upload, in chunks small
// enough for one socket message); it lands in Whittle/models in the workspace.
import type { ApiClient } from '../../shared/api/client.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

/** Upload `file`; resolves with its path on the host. */
export async function uploadFile(api: ApiClient, file: File, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<string> {
  const uploadId = crypto.randomUUID();
  let offsetBytes = 0;
  for (;;) {
    const bytes = new Uint8Array(await file.slice(offsetBytes, offsetBytes + CHUNK_BYTES).arrayBuffer());
    const res = await api.call('files.upload', { name: file.name, uploadId, offsetBytes, totalBytes: file.size, dataBase64: toBase64(bytes) });
    offsetBytes = res.receivedBytes;
    onProgress?.(offsetBytes, file.size);
    if (res.done) return res.path;
    if (bytes.length === 0) throw new Error(`The upload of ${file.name} stopped at byte ${offsetBytes}.`);
  }
}
