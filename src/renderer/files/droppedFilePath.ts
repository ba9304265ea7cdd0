// Where a file dropped on the window is, as a path the API can use: on the desktop the file's
// own path (the preload reads it with Electron's webUtils.getPathForFile); in the browser
// host, which cannot see the user's disk, a copy uploaded into Whittle/models in the workspace.
import type { ApiClient } from '../../shared/api/client.ts';
import { WhittleError } from '../../shared/errors.ts';
import { uploadFile } from './uploadFile.ts';

/** The desktop preload's reader of a dropped File's path ('' when it is not on disk). */
export type PathForFile = (file: File) => string;

/** The preload's `pathForFile` when the page runs in the desktop app, else null. */
export function desktopPathForFile(): PathForFile | null {
  const bridge = window.whittle;
  const read = bridge?.pathForFile;
  return read ? (file) => read.call(bridge, file) : null;
}

/** Resolves with the path a node's file field takes; `onUpload` is told before a browser upload starts. */
export async function droppedFilePath(api: ApiClient, file: File, pathForFile: PathForFile | null, onUpload: () => void): Promise<string> {
  if (!pathForFile) {
    onUpload();
    return uploadFile(api, file);
  }
  const path = pathForFile(file);
  if (!path) {
    throw new WhittleError('files.not-on-disk', `${file.name} is not a file on this computer's disk, so Whittle cannot read it from where it is.`,
      'Drag the file from a folder in your file manager, or choose it with a file field\'s Browse button.');
  }
  return path;
}
