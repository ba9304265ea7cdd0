// The layout of the displayed graph, computed off the main thread; stale results (the
// user toggled fusing meanwhile) are dropped.
import { useEffect, useState } from 'react';
import type { DisplayGraph } from './displayGraph.ts';
import { layoutGraph, type GraphLayout } from './elkLayout.ts';
import { sharedElk } from './elkInstance.ts';

export type LayoutState = { layout: GraphLayout; ms: number } | { error: string } | null;

export function useGraphLayout(display: DisplayGraph): LayoutState {
  const [state, setState] = useState<LayoutState>(null);
  useEffect(() => {
    let live = true;
    setState(null);
    const started = performance.now();
    layoutGraph(sharedElk(), display).then(
      (layout) => { if (live) setState({ layout, ms: performance.now() - started }); },
      (err: unknown) => { if (live) setState({ error: `The graph could not be laid out: ${err instanceof Error ? err.message : String(err)}` }); },
    );
    return () => { live = false; };
  }, [display]);
  return state;
}
