// Connection checks: typed ports, cycles, duplicates, unknown ports, replacing an input's edge.
import { describe, expect, it } from 'vitest';
import { checkConnection } from '../../src/shared/editor/connection.ts';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import { chainDoc, lookup } from './fixtures.ts';

function withEval() {
  return applyPipelineChanges(chainDoc(), [{ type: 'addNode', node: { id: 'e', kind: 'evaluate', params: {} } }]);
}

describe('checkConnection', () => {
  it('accepts a model output into a model input', () => {
    const v = checkConnection(withEval(), { source: 'p2', sourcePort: 'model', target: 'e', targetPort: 'model' }, lookup);
    expect(v).toEqual({ ok: true, edge: { from: ['p2', 'model'], to: ['e', 'model'] } });
  });

  it('refuses mismatched port types with both types and nodes named', () => {
    const v = checkConnection(withEval(), { source: 'd', sourcePort: 'dataset', target: 'e', targetPort: 'model' }, lookup);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.reason).toMatch(/Type mismatch/);
      expect(v.reason).toContain('dataset output');
      expect(v.reason).toContain('model input');
      expect(v.reason).toContain('MNIST (d)');
      expect(v.reason).toContain('Evaluate (e)');
    }
  });

  it('refuses a cycle, a self-loop, a duplicate and unknown ports', () => {
    const doc = withEval();
    const cycle = checkConnection(doc, { source: 'p2', sourcePort: 'model', target: 'p1', targetPort: 'model' }, lookup);
    expect(cycle).toEqual({ ok: false, reason: expect.stringMatching(/cycle/) });
    expect(checkConnection(doc, { source: 'p1', sourcePort: 'model', target: 'p1', targetPort: 'model' }, lookup).ok).toBe(false);
    expect(checkConnection(doc, { source: 'm', sourcePort: 'model', target: 'p1', targetPort: 'model' }, lookup)).toEqual({ ok: false, reason: 'These two ports are already connected.' });
    expect(checkConnection(doc, { source: 'm', sourcePort: 'nope', target: 'e', targetPort: 'model' }, lookup)).toEqual({ ok: false, reason: expect.stringContaining('no output "nope"') });
    expect(checkConnection(doc, { source: 'm', sourcePort: 'model', target: 'e', targetPort: 'nope' }, lookup)).toEqual({ ok: false, reason: expect.stringContaining('no input "nope"') });
  });

  it('a second source for a connected input replaces the first edge', () => {
    const doc = applyPipelineChanges(chainDoc(), [{ type: 'addNode', node: { id: 'm2', kind: 'model.onnx', params: {} } }]);
    const v = checkConnection(doc, { source: 'm2', sourcePort: 'model', target: 'p1', targetPort: 'model' }, lookup);
    expect(v).toEqual({ ok: true, edge: { from: ['m2', 'model'], to: ['p1', 'model'] }, replaces: { from: ['m', 'model'], to: ['p1', 'model'] } });
  });
});
