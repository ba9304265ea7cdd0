// What the inspector needs from a params spec: the value in effect (default when unset),
// whether a field is shown (visibleWhen), and the inline error for a value, if any.
import type { NodeKindSpec, ParamSpec, ParamValue, Params } from '../catalog/types.ts';
import { isParamVisible as appliesWith, paramsWithDefaults } from '../pipeline/params.ts';

export function effectiveValue(spec: ParamSpec, params: Params, name: string): ParamValue {
  return Object.prototype.hasOwnProperty.call(params, name) ? params[name] : spec.default;
}

/** The validator's rule (transitive visibleWhen) over the node's params with defaults. */
export function isParamVisible(kind: NodeKindSpec, params: Params, name: string): boolean {
  return appliesWith(kind, name, paramsWithDefaults(kind, params));
}

function boundsError(value: number, min: number | undefined, max: number | undefined, exclusiveMax: boolean | undefined): string | null {
  if (min !== undefined && value < min) return `Must be at least ${min}.`;
  if (max !== undefined && (exclusiveMax ? value >= max : value > max)) return exclusiveMax ? `Must be less than ${max}.` : `Must be at most ${max}.`;
  return null;
}

/** The sentence to show under a field, or null when the value is acceptable. */
export function paramError(spec: ParamSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number.';
      if (spec.integer && !Number.isInteger(value)) return 'Must be a whole number.';
      return boundsError(value, spec.min, spec.max, spec.exclusiveMax);
    }
    case 'enum':
      return spec.options.some((o) => o.value === value) ? null : `Choose one of: ${spec.options.map((o) => o.label).join(', ')}.`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'Must be on or off.';
    case 'string': {
      if (typeof value !== 'string') return 'Enter text.';
      if (spec.pattern && value !== '' && !new RegExp(spec.pattern.regex).test(value)) return spec.pattern.message;
      return null;
    }
    case 'path': {
      if (typeof value !== 'string') return 'Enter a path.';
      if (value === '' && !spec.optional) return 'Choose a file.';
      return null;
    }
    case 'string-list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : 'Enter one item per line.';
    case 'number-map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Enter name: number pairs.';
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) return `"${key}" needs a number.`;
        const err = boundsError(v, spec.min, spec.max, spec.exclusiveMax);
        if (err) return `"${key}": ${err}`;
      }
      return null;
    }
    case 'device':
      return typeof value === 'string' ? null : 'Choose a device.';
  }
}

/** Parses the "name: number" lines of a number-map field; returns null on a bad line. */
export function parseNumberMap(text: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.lastIndexOf(':');
    if (at <= 0) return null;
    const key = line.slice(0, at).trim();
    const num = Number(line.slice(at + 1).trim());
    if (!key || line.slice(at + 1).trim() === '' || !Number.isFinite(num)) return null;
    out[key] = num;
  }
  return out;
}

export function formatNumberMap(map: Record<string, number>): string {
  return Object.entries(map).map(([k, v]) => `${k}: ${v}`).join('\n');
}
