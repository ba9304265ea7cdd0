// Params against their catalog ParamSpec: defaults, visibility (visibleWhen) and the
// check of one value. The inspector, validation and the engine share these.
import type { NodeKindSpec, ParamSpec, ParamValue, Params } from '../catalog/types.ts';

/** The params a node runs with: its own values over the spec's defaults. */
export function paramsWithDefaults(spec: NodeKindSpec, params: Params | undefined): Params {
  const out: Params = {};
  // for-in, not Object.entries: this runs once per node, and large documents have 100,000.
  for (const name in spec.params) {
    const v = params?.[name];
    out[name] = v === undefined ? structuredCloneValue(spec.params[name].default) : v;
  }
  return out;
}

function structuredCloneValue(v: ParamValue): ParamValue {
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'object') return { ...v };
  return v;
}

/** True when `name` is shown (and validated) given the other params' effective values. */
/**
 * Whether a param applies: its visibleWhen holds and the param it depends on applies too
 * (Distill's "Hidden widths" wait for arch = mlp, and arch only applies to builder students).
 */
export function isParamVisible(spec: NodeKindSpec, name: string, effective: Params, seen: ReadonlySet<string> = new Set()): boolean {
  const when = spec.params[name]?.visibleWhen;
  if (!when) return true;
  if (!when.equals.includes(effective[when.param] as never)) return false;
  // A rule naming an unknown param, or a loop of rules, stops here rather than recursing forever.
  if (!spec.params[when.param] || seen.has(when.param)) return true;
  return isParamVisible(spec, when.param, effective, new Set([...seen, name]));
}

function describeNumberRange(p: { min?: number; max?: number; exclusiveMax?: boolean }): string {
  const lo = p.min !== undefined ? `${p.min}` : '-inf';
  const hi = p.max !== undefined ? `${p.max}` : 'inf';
  return `[${lo}, ${hi}${p.exclusiveMax ? ')' : ']'}`;
}

function checkNumber(value: number, p: { min?: number; max?: number; exclusiveMax?: boolean; integer?: boolean }): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (p.integer && !Number.isInteger(value)) return 'must be a whole number';
  const outside = (p.min !== undefined && value < p.min)
    || (p.max !== undefined && (p.exclusiveMax ? value >= p.max : value > p.max));
  return outside ? `must be in ${describeNumberRange(p)}` : null;
}

/** Why `value` is not acceptable for `spec`, as a phrase ("must be ..."), or null when it is. */
export function checkParamValue(spec: ParamSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' ? checkNumber(value, spec) : 'must be a number';
    case 'enum':
      if (typeof value !== 'string') return 'must be a string';
      return spec.options.some((o) => o.value === value) ? null : `must be one of ${spec.options.map((o) => `"${o.value}"`).join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (spec.pattern && !new RegExp(spec.pattern.regex).test(value)) return spec.pattern.message;
      return null;
    case 'path':
      if (typeof value !== 'string') return 'must be a path (a string)';
      if (value.trim() === '' && !spec.optional) return 'must not be empty: choose a file';
      // No file system accepts NUL in a name; Node would throw on it much later, mid-run.
      if (value.includes('\u0000')) return 'must not contain a NUL character';
      if (spec.extensions && value !== '' && spec.mode !== 'open-folder'
        && !spec.extensions.some((ext) => value.toLowerCase().endsWith(`.${ext.replace(/^\./, '').toLowerCase()}`))) {
        return `must end with ${spec.extensions.map((e) => `.${e.replace(/^\./, '')}`).join(' or ')}`;
      }
      return null;
    case 'string-list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : 'must be a list of strings';
    case 'number-map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a map of names to numbers';
      for (const [key, v] of Object.entries(value)) {
        if (typeof v !== 'number') return `"${key}" must be a number`;
        const why = checkNumber(v, spec);
        if (why) return `"${key}" ${why}`;
      }
      return null;
    }
    case 'device':
      return typeof value === 'string' ? null : 'must be a device id (a string)';
  }
}
