// Reads the editor store through a selector; use module-level selectors (selectors.ts)
// so components re-render only when what they read changes.
import { useContext } from 'react';
import { useStore } from 'zustand';
import type { PipelineState, PipelineStore } from './createPipelineStore.ts';
import { PipelineStoreContext } from './PipelineStoreContext.ts';

export function usePipelineStoreApi(): PipelineStore {
  const store = useContext(PipelineStoreContext);
  if (!store) throw new Error('usePipelineStore must be used inside <PipelineStoreContext.Provider>: wrap the editor in the provider created in App.tsx.');
  return store;
}

export function usePipelineStore<T>(selector: (state: PipelineState) => T): T {
  return useStore(usePipelineStoreApi(), selector);
}
