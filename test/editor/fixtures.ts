// Hand-written node kinds and documents for the editor's graph-logic tests.
import type { NodeKindSpec } from '../../src/shared/catalog/types.ts';
import type { EditorDocument } from '../../src/shared/editor/types.ts';

export const KINDS: NodeKindSpec[] = [
  {
    kind: 'model.onnx', version: 1, title: 'ONNX model', category: 'Input', description: 'Loads a model.',
    inputs: [], outputs: [{ name: 'model', type: 'model', label: 'Model' }],
    params: { path: { type: 'path', label: 'File', help: 'The .onnx file.', default: '', mode: 'open-file' } },
  },
  {
    kind: 'dataset.mnist', version: 1, title: 'MNIST', category: 'Input', description: 'Digits.',
    inputs: [], outputs: [{ name: 'dataset', type: 'dataset', label: 'Dataset' }],
    params: {},
  },
  {
    kind: 'evaluate', version: 1, title: 'Evaluate', category: 'Evaluate', description: 'Accuracy.',
    inputs: [{ name: 'model', type: 'model', label: 'Model' }, { name: 'dataset', type: 'dataset', label: 'Dataset' }],
    outputs: [{ name: 'metrics', type: 'metrics', label: 'Metrics' }],
    params: {},
  },
  {
    kind: 'prune', version: 1, title: 'Prune', category: 'Compress', description: 'Prunes.',
    inputs: [{ name: 'model', type: 'model', label: 'Model' }], outputs: [{ name: 'model', type: 'model', label: 'Pruned model' }],
    params: {
      method: { type: 'enum', label: 'Method', help: 'How.', default: 'magnitude', options: [{ value: 'magnitude', label: 'Magnitude' }, { value: 'structured', label: 'Structured' }] },
      sparsity: { type: 'number', label: 'Sparsity', help: 'Fraction.', default: 0.5, min: 0, max: 1, exclusiveMax: true },
      channels: { type: 'number', label: 'Channels', help: 'Step.', default: 8, min: 1, integer: true, visibleWhen: { param: 'method', equals: ['structured'] } },
      overrides: { type: 'number-map', label: 'Per layer', help: 'Overrides.', default: {}, min: 0, max: 1, exclusiveMax: true },
    },
  },
];

export const lookup = (kind: string) => KINDS.find((k) => k.kind === kind);

/** m -> p1 -> p2, and d standing alone. */
export function chainDoc(): EditorDocument {
  return {
    format: 'whittle.pipeline', version: 1, name: 'chain',
    nodes: [
      { id: 'm', kind: 'model.onnx', params: { path: 'a.onnx' }, position: { x: 0, y: 0 } },
      { id: 'p1', kind: 'prune', params: { sparsity: 0.3 }, position: { x: 200, y: 0 } },
      { id: 'p2', kind: 'prune', params: {}, position: { x: 400, y: 0 } },
      { id: 'd', kind: 'dataset.mnist', params: {}, position: { x: 0, y: 200 } },
    ],
    edges: [
      { from: ['m', 'model'], to: ['p1', 'model'] },
      { from: ['p1', 'model'], to: ['p2', 'model'] },
    ],
  };
}
