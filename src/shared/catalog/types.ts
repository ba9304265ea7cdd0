// What a node kind is: typed ports, a params spec (defaults, bounds, help), a category.
// The palette, the inspector form, validation, the CLI's `nodes` and the executor all
// read these entries; a kind is declared once, in its own file in this folder.

export type PortType = 'model' | 'dataset' | 'metrics' | 'profile';

export interface PortSpec {
  name: string;
  type: PortType;
  label: string;
  /** An optional input may stay unconnected. */
  optional?: boolean;
  /** An optional input that a param setting makes required (static quantize needs calibration data). */
  requiredWhen?: { param: string; equals: (string | number | boolean)[] };
  help?: string;
}

/** True when a param (its default when unset) has one of these values. */
export interface ParamCondition { param: string; equals: (string | number | boolean)[] }

interface ParamBase {
  label: string;
  /** Shown beside the field in the inspector and by `whittle nodes`. */
  help: string;
  /**
   * Show (and validate) this param only when another param has one of these values, and that
   * param is itself shown (a rule on a hidden param does not apply).
   */
  visibleWhen?: ParamCondition;
  /** Advanced params are folded away in the inspector. */
  advanced?: boolean;
}

export interface NumberParam extends ParamBase {
  type: 'number';
  default: number;
  min?: number;
  max?: number;
  /** When true, `max` itself is not allowed (e.g. sparsity in [0, 1)). */
  exclusiveMax?: boolean;
  integer?: boolean;
  step?: number;
  unit?: string;
}

export interface EnumParam extends ParamBase {
  type: 'enum';
  options: { value: string; label: string; help?: string }[];
  default: string;
}

export interface BooleanParam extends ParamBase {
  type: 'boolean';
  default: boolean;
}

export interface StringParam extends ParamBase {
  type: 'string';
  default: string;
  placeholder?: string;
  /** Regex the value must match, with the sentence to show when it does not. */
  pattern?: { regex: string; message: string };
}

export interface PathParam extends ParamBase {
  type: 'path';
  default: string;
  /** open: an existing file or folder; save: where to write. */
  mode: 'open-file' | 'open-folder' | 'save-file';
  extensions?: string[];
  /** When false, an empty path is an error. */
  optional?: boolean;
}

export interface StringListParam extends ParamBase {
  type: 'string-list';
  default: string[];
  placeholder?: string;
}

/** Per-layer numbers, e.g. per-layer sparsity overrides: { "conv1": 0.3 }. */
export interface NumberMapParam extends ParamBase {
  type: 'number-map';
  default: Record<string, number>;
  min?: number;
  max?: number;
  exclusiveMax?: boolean;
}

/** A board from the device registry, referenced by id (never a host or secret). */
export interface DeviceParam extends ParamBase {
  type: 'device';
  default: string;
}

export type ParamSpec =
  | NumberParam | EnumParam | BooleanParam | StringParam | PathParam
  | StringListParam | NumberMapParam | DeviceParam;

export type ParamValue = number | string | boolean | string[] | Record<string, number>;
export type Params = Record<string, ParamValue>;

export type NodeCategory = 'Input' | 'Compress' | 'Train' | 'Evaluate' | 'Device' | 'Output';
export const NODE_CATEGORIES: NodeCategory[] = ['Input', 'Compress', 'Train', 'Evaluate', 'Device', 'Output'];

/** How a figure on a node's face reads (units and percentages, never raw metric names). */
export type FaceFormat = 'percent' | 'ms' | 'bytes' | 'ratio' | 'count' | 'db' | 'integer' | 'text';

/** A headline figure on a node's face, read from its last run's metrics. */
export interface FaceMetric {
  metric: string;
  label: string;
  format: FaceFormat;
  /** Reads "n/m" with m from this metric (int8 layers of all weighted layers, best epoch of epochs). */
  of?: string;
  /** Also the difference from this metric in percentage points (Evaluate: top-1 vs the reference's). */
  deltaFrom?: { metric: string; label: string };
  /** Only when a param has one of these values (Prune: sparsity, or MAC ratio for channels). */
  when?: ParamCondition;
}

/** A key param on a node's face: shown when visible (visibleWhen) in the inspector too. */
export interface FaceParam {
  param: string;
  /** Shorter than the inspector's label where that is long. */
  label?: string;
  /** percent: a fraction as "50%"; file: a path's last part. By the param's type otherwise. */
  format?: 'percent' | 'file';
  /** Shown only when set to something other than its default (e.g. a sample limit). */
  unlessDefault?: boolean;
}

/** What a node shows on the canvas: its key params, and after a run its headline figures. */
export interface NodeFace {
  params: FaceParam[];
  metrics: FaceMetric[];
}

export interface NodeKindSpec {
  kind: string;
  /** Bumped when a change to the handler changes its results; part of the cache key. */
  version: number;
  title: string;
  category: NodeCategory;
  description: string;
  /** Words a palette search finds the kind by, ranked under its title (e.g. "latency" for Profile). */
  keywords?: string[];
  inputs: PortSpec[];
  outputs: PortSpec[];
  params: Record<string, ParamSpec>;
  /** Key params and headline figures for the node on the canvas (none when absent). */
  face?: NodeFace;
  /**
   * False for kinds whose effect lies outside the cache (e.g. `export` writes a file the
   * user chose): the engine runs them every time instead of reporting them cached.
   */
  cache?: boolean;
}

// ---- Values that travel along edges at run time ----------------------------------

/** A model produced or loaded by a node: an ONNX file in the run's artifact cache. */
export interface ModelValue {
  type: 'model';
  /** Absolute path of the .onnx file. */
  path: string;
  sha256: string;
  sizeBytes: number;
  /** Human label for tables and charts (e.g. "LeNet-5 · int8"). */
  label: string;
}

/**
 * A dataset travels as its description; consumers materialize it in main/data.
 * Descriptions are small and hashable, so they key the cache.
 */
export interface DatasetValue {
  type: 'dataset';
  source: string;
  options: Record<string, unknown>;
  label: string;
  size?: number;
  sampleShape?: number[];
}

export interface MetricsValue {
  type: 'metrics';
  values: Record<string, number | string | boolean>;
}

export interface ProfileValue {
  type: 'profile';
  /** A devices ProfileResult, as JSON. */
  result: unknown;
}

export type PortValue = ModelValue | DatasetValue | MetricsValue | ProfileValue;

/** What a node's run leaves behind for the results view and the run record. */
export interface NodeResult {
  outputs: Record<string, PortValue>;
  /** Flat figures shown in tables: e.g. { accuracy: 0.961, sizeBytes: 248391 }. */
  metrics: Record<string, number | string | boolean>;
  /** Structured data for this kind's charts, tagged by `kind` (e.g. 'quantize.layers'). */
  reports?: { kind: string; title: string; data: unknown }[];
  warnings?: string[];
}
