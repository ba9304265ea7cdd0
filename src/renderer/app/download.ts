// Saving something the window made (a pipeline export, a CSV, a chart) as a file: a download,
// which both the browser host and Electron offer.

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Chromium reads the blob asynchronously after click(): keep the URL alive a while.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
