// Edits of sweeps as plain data (part of PipelineChange): set or clear the sweep of one
// param, and the document's sampling settings. The inspector's sweep toggle commits these.
import { WhittleError } from '../errors.ts';
import type { SweepSettings, SweepSpec } from '../pipeline/sweep-spec.ts';
import type { EditorDocument } from './types.ts';

export type SweepChange =
  /** `sweep: undefined` turns the sweep off: the param's own value applies again. */
  | { type: 'setSweep'; id: string; param: string; sweep: SweepSpec | undefined }
  /** `settings: undefined` goes back to the whole product. */
  | { type: 'setSweepSettings'; settings: SweepSettings | undefined };

export function applySweepChange<D extends EditorDocument>(doc: D, change: SweepChange): D {
  if (change.type === 'setSweepSettings') {
    const next = { ...doc };
    if (change.settings) next.sweep = change.settings;
    else delete next.sweep;
    return next;
  }
  if (!doc.nodes.some((n) => n.id === change.id)) {
    throw new WhittleError('editor.unknown-node', `The pipeline has no node "${change.id}".`, 'The node may have been deleted; undo to bring it back.', change.id);
  }
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== change.id) return n;
      const sweeps = { ...n.sweeps };
      if (change.sweep) sweeps[change.param] = change.sweep;
      else delete sweeps[change.param];
      const { sweeps: _old, ...rest } = n;
      return Object.keys(sweeps).length > 0 ? { ...rest, sweeps } : rest;
    }),
  };
}
