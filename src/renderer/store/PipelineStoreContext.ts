// Hands one editor's store down the tree (see createPipelineStore).
import { createContext } from 'react';
import type { PipelineStore } from './createPipelineStore.ts';

export const PipelineStoreContext = createContext<PipelineStore | null>(null);
