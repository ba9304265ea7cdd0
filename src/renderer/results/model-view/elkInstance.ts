// One ELK for the window, running in a web worker so a big graph's layout never blocks
// the page (elkjs's worker build, served as an asset by Vite).
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

let shared: InstanceType<typeof ELK> | null = null;

export function sharedElk(): InstanceType<typeof ELK> {
  shared ??= new ELK({ workerUrl: elkWorkerUrl });
  return shared;
}
