// Renderer entry: connect to the API (Electron preload or the browser host's socket), take
// what the app needs to start from the page (browser host) or the API, open the start-up
// document, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/index.css';
import type { ApiClient } from '../shared/api/client.ts';
import type { CallResponse } from '../shared/api/contract.ts';
import { emptyDocument } from '../shared/pipeline/document-format.ts';
import { ApiContext } from './api/ApiContext.ts';
import { connectApi } from './api/transport.ts';
import { App } from './app/App.tsx';
import { AppInfoContext } from './app/AppInfoContext.ts';
import { StartupError } from './app/StartupError.tsx';
import { createPipelineStore, type PipelineStore } from './store/createPipelineStore.ts';
import { PipelineStoreContext } from './store/PipelineStoreContext.ts';
import { trustRequestFor } from './files/trustRequest.ts';
import { parseStartupData, STARTUP_DATA_ELEMENT_ID } from '../shared/api/startup.ts';
import { gatherStartup } from './app/startupData.ts';

/** Opens the start-up document; `opening` is its documents.open call, already under way. */
async function openStartupDocument(store: PipelineStore, opening: Promise<CallResponse<'documents.open'> | null>) {
  try {
    const res = await opening;
    if (!res) return;
    if (res.canceled || !res.document) {
      if (!res.canceled) store.getState().showDialog({ title: `Could not open ${res.path}`, message: res.problems[0]?.message ?? 'The file is not a pipeline.', problems: res.problems });
      return;
    }
    const example = /[\\/]resources[\\/]examples[\\/]/.test(res.path);
    const s = store.getState();
    const trust = trustRequestFor(res.document, res.path, s.catalog, s.allowedPaths, { example });
    if (trust) s.setTrustRequest(trust);
    else s.loadDocument(res.document, res.path, { example });
  } catch (err) {
    store.getState().toast('error', `Could not open the start-up pipeline: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function start() {
  const root = createRoot(document.getElementById('root')!);
  const injected = parseStartupData(document.getElementById(STARTUP_DATA_ELEMENT_ID)?.textContent);
  let api: ApiClient;
  try {
    api = await connectApi({ waitForSocket: injected === null });
  } catch (err) {
    root.render(<StartupError error={err} />);
    return;
  }
  try {
    const { info, catalog, autosave, opening } = await gatherStartup(api, injected);
    const store = createPipelineStore(emptyDocument());
    store.getState().setCatalog(catalog.kinds);
    await openStartupDocument(store, opening);
    // bench:editor reads it: the page load's time waiting on the API ends here.
    performance.mark('whittle:startup-data');
    const recovery = autosave.entry?.dirty ? autosave.entry : null;
    root.render(
      <StrictMode>
        <ApiContext.Provider value={api}>
          <AppInfoContext.Provider value={info}>
            <PipelineStoreContext.Provider value={store}>
              <App recovery={recovery} />
            </PipelineStoreContext.Provider>
          </AppInfoContext.Provider>
        </ApiContext.Provider>
      </StrictMode>,
    );
  } catch (err) {
    root.render(<StartupError error={err} />);
  }
}

void start();
