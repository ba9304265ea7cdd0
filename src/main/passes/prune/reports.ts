// Report payloads of the prune/share nodes (read by src/renderer/reports/prune/): the size
// report before/after, and per-layer sparsity and MACs joined by layer name.
import type { NodeResult } from '../../../shared/catalog/types.ts';
import type { LayerRow, SizeReport } from '../../../shared/reports/prune.ts';

export type { LayerRow };

export function layerRows(before: SizeReport, after: SizeReport): LayerRow[] {
  return before.layers.map((b) => {
    const a = after.layers.find((l) => l.layer === b.layer);
    return {
      layer: b.layer,
      paramsBefore: b.params,
      paramsAfter: a?.params ?? 0,
      nonzerosAfter: a?.nonzeros ?? 0,
      sparsity: a && a.params ? 1 - a.nonzeros / a.params : 1,
      macsBefore: b.macs,
      macsAfter: a?.macs ?? 0,
      bitsPerWeightBefore: b.bitsPerWeight,
      bitsPerWeightAfter: a?.bitsPerWeight ?? 0,
    };
  });
}

export function sizeReports(before: SizeReport, after: SizeReport): NonNullable<NodeResult['reports']> {
  return [
    { kind: 'prune.size', title: 'Size before and after', data: { before, after } },
    { kind: 'prune.layers', title: 'Per-layer sparsity and MACs', data: { layers: layerRows(before, after) } },
  ];
}
