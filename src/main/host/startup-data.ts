// The start-up data the host writes into the page it serves (src/shared/api/startup.ts): the
// same four answers the page would otherwise ask for over the socket once its script ran.
import type { Envelope } from '../../shared/api/client.ts';
import type { CallResponse } from '../../shared/api/contract.ts';
import { startupDataElement } from '../../shared/api/startup.ts';
import type { ApiService } from '../api/service.ts';

/**
 * The `<script type="application/json">` element, or '' when app.info or catalog.list fail:
 * the page then makes the calls itself and shows their failure as it always did.
 */
export async function startupDataElementFor(api: ApiService): Promise<string> {
  const infoCall = api.dispatch('app.info', {});
  // The document is opened as soon as its path is known, alongside the other two calls.
  const opening = infoCall.then((info): Promise<Envelope> | null => {
    const path = info.ok ? (info.value as CallResponse<'app.info'>).startupDocument : null;
    return path ? api.dispatch('documents.open', { path }) : null;
  });
  const [info, catalog, autosave, opened] = await Promise.all([infoCall, api.dispatch('catalog.list', {}), api.dispatch('autosave.read', {}), opening]);
  if (!info.ok || !catalog.ok) return '';
  return startupDataElement({
    info: info.value as CallResponse<'app.info'>,
    catalog: catalog.value as CallResponse<'catalog.list'>,
    // As the page treats a failed autosave.read: nothing to recover.
    autosave: autosave.ok ? (autosave.value as CallResponse<'autosave.read'>) : { entry: null },
    opened,
  });
}
