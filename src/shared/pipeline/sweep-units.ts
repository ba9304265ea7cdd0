// Distinct variants of a sweep: a swept param that a variant's other settings hide (visibleWhen,
// e.g. prune method '2:4' hides sparsity) does not make variants of its own. The sweeps of a
// node whose settings collapse so are sampled together as one unit of distinct settings.
import type { NodeKindSpec, Params } from '../catalog/types.ts';
import { isParamVisible, paramsWithDefaults } from './params.ts';
import { decode } from './sweep-sample.ts';
import type { SweepValue } from './sweep-spec.ts';

/** One swept param, as the expansion sees it (a `SweepDimension` without its label). */
interface Dim {
  nodeId: string;
  param: string;
  values: readonly SweepValue[];
}

/** A value index per dimension of a unit; -1 where the param does not apply. */
export type UnitSetting = number[];

/**
 * What the sampling picks from: one swept param, or all sweeps of a node whose settings
 * collapse. `setting(i)` for i < size is the i-th distinct setting of `dims`.
 */
export interface SweepUnit {
  dims: number[];
  size: number;
  setting(i: number): UnitSetting;
}

/** Hidden (-1) or fixed value indices, with the visible dims that still vary under them. */
interface SettingGroup {
  fixed: Map<number, number>;
  free: number[];
  size: number;
}

/**
 * The distinct settings of one node's sweeps. Only sweeps that some visibleWhen reads
 * ("controllers") are enumerated; for each of their settings the visible sweeps vary freely
 * and the hidden ones drop out, and equal outcomes are kept once.
 */
function settingGroups(spec: NodeKindSpec, base: Params, own: readonly number[], dims: readonly Dim[]): SettingGroup[] {
  const read = new Set(Object.values(spec.params).flatMap((p) => (p.visibleWhen ? [p.visibleWhen.param] : [])));
  const controllers = own.filter((i) => read.has(dims[i].param));
  const others = own.filter((i) => !read.has(dims[i].param));
  const sizes = controllers.map((i) => dims[i].values.length);
  const total = sizes.reduce((n, s) => n * s, 1);
  const groups = new Map<string, SettingGroup>();
  for (let flat = 0; flat < total; flat++) {
    const pick = decode(flat, sizes);
    const effective = { ...base };
    controllers.forEach((i, c) => { effective[dims[i].param] = dims[i].values[pick[c]] as never; });
    const visible = (i: number) => isParamVisible(spec, dims[i].param, effective);
    const fixed = new Map(controllers.map((i, c) => [i, visible(i) ? pick[c] : -1]));
    for (const i of others) if (!visible(i)) fixed.set(i, -1);
    const free = others.filter(visible);
    const key = [...fixed.entries()].map(([i, v]) => `${i}:${v}`).join(',');
    if (!groups.has(key)) groups.set(key, { fixed, free, size: free.reduce((n, i) => n * dims[i].values.length, 1) });
  }
  return [...groups.values()];
}

function groupedUnit(own: readonly number[], groups: readonly SettingGroup[], dims: readonly Dim[]): SweepUnit {
  const size = groups.reduce((n, g) => n + g.size, 0);
  return {
    dims: [...own],
    size,
    setting(i: number): UnitSetting {
      let rest = i;
      const group = groups.find((g) => { if (rest < g.size) return true; rest -= g.size; return false; })!;
      const free = decode(rest, group.free.map((d) => dims[d].values.length));
      return own.map((d) => group.fixed.get(d) ?? free[group.free.indexOf(d)]);
    },
  };
}

/**
 * The units a document's sweeps are sampled from: a node whose sweeps never hide one another
 * gives one unit per swept param (the product is then the full one); a node where some do
 * gives one unit of its distinct settings. The product of unit sizes counts distinct variants.
 */
export function sweepUnits(nodes: readonly { id: string; kind: string; params: Params }[], dims: readonly Dim[], kinds: ReadonlyMap<string, NodeKindSpec>): SweepUnit[] {
  const units: SweepUnit[] = [];
  for (const node of nodes) {
    const own = dims.flatMap((d, i) => (d.nodeId === node.id ? [i] : []));
    if (own.length === 0) continue;
    const spec = kinds.get(node.kind);
    const groups = spec ? settingGroups(spec, paramsWithDefaults(spec, node.params), own, dims) : [];
    const full = own.reduce((n, i) => n * dims[i].values.length, 1);
    const distinct = groups.reduce((n, g) => n + g.size, 0);
    if (!spec || distinct === full) {
      for (const i of own) units.push({ dims: [i], size: dims[i].values.length, setting: (v) => [v] });
    } else {
      units.push(groupedUnit(own, groups, dims));
    }
  }
  return units;
}

/** A combination of unit settings -> a value index per dimension (-1: does not apply). */
export function dimensionCombination(units: readonly SweepUnit[], pick: readonly number[], dimCount: number): number[] {
  const combo = new Array<number>(dimCount).fill(-1);
  units.forEach((u, k) => { const s = u.setting(pick[k]); u.dims.forEach((d, j) => { combo[d] = s[j]; }); });
  return combo;
}
