// The profile form's start button says why it is disabled, in the order a user fixes it.

/** Why "Profile" cannot start yet, in the order a user fixes it; null when it can. */
export function whyNotReady(f: { pinned: number; chosen: number; source: 'run' | 'file'; path: string; runId: string; modelKey: string }): string | null {
  if (f.pinned === 0) return 'No board has a pinned host key yet: select a board, Test connection, check its fingerprint and Accept.';
  if (f.chosen === 0) return 'Tick at least one board to profile on.';
  if (f.source === 'file' && f.path.trim() === '') return 'Choose the .onnx file to profile (Browse…).';
  if (f.source === 'run' && (f.runId === '' || f.modelKey === '')) return 'Choose a run and one of the models it produced.';
  return null;
}
