// Palette search: which kinds match a query, best first. A title match beats one of the
// kind's keywords, then its id or category, then its description ("latency" finds Host
// latency and Profile on board before a dataset whose description mentions latency).
import type { NodeKindSpec } from '../catalog/types.ts';

/** Lower is better; null when the kind does not match. */
export function matchRank(spec: NodeKindSpec, query: string): number | null {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const title = spec.title.toLowerCase();
  if (title === q) return 0;
  if (title.startsWith(q)) return 1;
  if (title.split(/[^a-z0-9]+/).some((w) => w.startsWith(q))) return 2;
  if (title.includes(q)) return 3;
  if (spec.keywords?.some((k) => k.startsWith(q))) return 4;
  if (spec.kind.toLowerCase().includes(q)) return 5;
  if (spec.category.toLowerCase().includes(q)) return 6;
  if (spec.description.toLowerCase().includes(q)) return 7;
  return null;
}

/** The kinds matching `query`, best rank first; ties keep the catalog's order. */
export function rankKinds(catalog: readonly NodeKindSpec[], query: string): NodeKindSpec[] {
  return catalog
    .map((spec, index) => ({ spec, index, rank: matchRank(spec, query) }))
    .filter((x): x is { spec: NodeKindSpec; index: number; rank: number } => x.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((x) => x.spec);
}
