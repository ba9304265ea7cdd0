// Node kinds for document tests: every ParamSpec feature (bounds, exclusiveMax, integer,
// enum, visibleWhen, path) and every port type, independent of the real catalog's growth.
import type { NodeKindSpec } from '../../src/shared/catalog/types.ts';

export const SOURCE: NodeKindSpec = {
  kind: 'src', version: 1, title: 'Source', category: 'Input', description: 'A model source.',
  inputs: [], outputs: [{ name: 'model', type: 'model', label: 'Model' }],
  params: { file: { type: 'path', label: 'File', help: 'The model file.', default: 'm.onnx', mode: 'open-file', extensions: ['onnx'] } },
};

export const DATA: NodeKindSpec = {
  kind: 'data', version: 1, title: 'Data', category: 'Input', description: 'A dataset.',
  inputs: [], outputs: [{ name: 'dataset', type: 'dataset', label: 'Dataset' }], params: {},
};

export const PRUNE: NodeKindSpec = {
  kind: 'prune', version: 2, title: 'Prune', category: 'Compress', description: 'Prune.',
  inputs: [{ name: 'model', type: 'model', label: 'Model' }, { name: 'data', type: 'dataset', label: 'Data', optional: true }],
  outputs: [{ name: 'model', type: 'model', label: 'Model' }],
  params: {
    method: { type: 'enum', label: 'Method', help: 'How to choose weights.', default: 'magnitude', options: [{ value: 'magnitude', label: 'Magnitude' }, { value: 'structured', label: 'Structured' }] },
    sparsity: { type: 'number', label: 'Sparsity', help: 'Fraction removed.', default: 0.5, min: 0, max: 1, exclusiveMax: true },
    groups: { type: 'number', label: 'Groups', help: 'Channel groups.', default: 1, min: 1, max: 64, integer: true, visibleWhen: { param: 'method', equals: ['structured'] } },
    layers: { type: 'number-map', label: 'Per layer', help: 'Overrides.', default: {}, min: 0, max: 1, exclusiveMax: true },
    name: { type: 'string', label: 'Name', help: 'A tag.', default: 'p', pattern: { regex: '^[a-z]+$', message: 'must be lowercase letters' } },
  },
};

export const SINK: NodeKindSpec = {
  kind: 'sink', version: 1, title: 'Sink', category: 'Output', description: 'Write.',
  inputs: [{ name: 'model', type: 'model', label: 'Model' }], outputs: [],
  params: { out: { type: 'path', label: 'Output', help: 'Where.', default: 'out.onnx', mode: 'save-file' } },
};

export const TEST_CATALOG = [SOURCE, DATA, PRUNE, SINK];
