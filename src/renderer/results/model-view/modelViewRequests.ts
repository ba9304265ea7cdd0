// "View this .onnx" requests from anywhere in the window (app bar button, Electron menu,
// a dropped file, the #view= address of `whittle view`) to the one ModelFileViewer.
type Listener = (path: string | null) => void;
const listeners = new Set<Listener>();

/** Ask the viewer to open `path`, or (null) to let the user choose a file. */
export function requestModelView(path: string | null): void {
  for (const l of listeners) l(path);
}

export function onModelViewRequest(listener: Listener): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

/** The model named in the page address by `whittle view` (#view=<path>), or null. */
export function modelFromAddress(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('view');
  return value ? value : null;
}
