// Result sub-views that other work provides (compare across models, the model graph).
// They are looked up at build time, so the app builds and says so while one is missing.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { RunRecord } from '../../shared/api/run.ts';

export interface CompareViewProps { run: RunRecord }
export interface ModelViewProps { run: RunRecord; nodeId: string | null }

function optional<P>(modules: Record<string, () => Promise<Record<string, unknown>>>, exportName: string): LazyExoticComponent<ComponentType<P>> | null {
  const load = Object.values(modules)[0];
  if (!load) return null;
  return lazy(async () => ({ default: (await load())[exportName] as ComponentType<P> }));
}

export const CompareView = optional<CompareViewProps>(import.meta.glob<Record<string, unknown>>('./compare/CompareView.tsx'), 'CompareView');
export const ModelView = optional<ModelViewProps>(import.meta.glob<Record<string, unknown>>('./model-view/ModelView.tsx'), 'ModelView');
