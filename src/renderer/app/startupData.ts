// What the first render needs: from the data the browser host wrote into the page when it
// is there (no round trip), else from the calls (Electron, the dev server).
import { WhittleError } from '../../shared/errors.ts';
import type { ApiClient, Envelope } from '../../shared/api/client.ts';
import type { CallResponse } from '../../shared/api/contract.ts';
import type { StartupData } from '../../shared/api/startup.ts';

export interface Startup {
  info: CallResponse<'app.info'>;
  catalog: CallResponse<'catalog.list'>;
  autosave: CallResponse<'autosave.read'>;
  /** The start-up document's documents.open; null when there is none. Rejects with its failure. */
  opening: Promise<CallResponse<'documents.open'> | null>;
}

function envelopeValue<T>(envelope: Envelope): Promise<T> {
  return envelope.ok ? Promise.resolve(envelope.value as T) : Promise.reject(WhittleError.fromData(envelope.error));
}

/** `injected` when the page carries it (no call is made), else the four calls. */
export async function gatherStartup(api: ApiClient, injected: StartupData | null): Promise<Startup> {
  // The start-up document is asked for as soon as its path is known, alongside the catalog.
  const infoCall = injected ? Promise.resolve(injected.info) : api.call('app.info', {});
  const opening = injected
    ? (injected.opened ? envelopeValue<CallResponse<'documents.open'>>(injected.opened) : Promise.resolve(null))
    : infoCall.then((i) => (i.startupDocument ? api.call('documents.open', { path: i.startupDocument }) : null));
  // Its failure is reported when the document is opened, after the catalog has arrived.
  opening.catch(() => undefined);
  if (injected) return { info: injected.info, catalog: injected.catalog, autosave: injected.autosave, opening };
  const [info, catalog, autosave] = await Promise.all([
    infoCall,
    api.call('catalog.list', {}),
    api.call('autosave.read', {}).catch(() => ({ entry: null })),
  ]);
  return { info, catalog, autosave, opening };
}
