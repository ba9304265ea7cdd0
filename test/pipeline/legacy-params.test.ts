// Documents saved before prune's channel rounding became two params still open and run:
// `roundTo8` is rewritten on parse, and the result validates against the real catalog.
import { describe, expect, it } from 'vitest';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';

function withPrune(params: Record<string, unknown>): string {
  return JSON.stringify({
    format: 'whittle.pipeline', version: 1, name: 'old',
    nodes: [
      { id: 'm', kind: 'model.onnx', params: { path: 'model.onnx' }, position: { x: 0, y: 0 } },
      { id: 'p', kind: 'prune', params, position: { x: 200, y: 0 } },
    ],
    edges: [{ from: ['m', 'model'], to: ['p', 'model'] }],
  });
}

describe('prune roundTo8 from older documents', () => {
  it('true becomes channel multiple 8 with a floor of 8, and the document validates', () => {
    const { document, problems } = parsePipelineText(withPrune({ method: 'channels', sparsity: 0.5, roundTo8: true }));
    expect(problems).toEqual([]);
    expect(document!.nodes[1].params).toEqual({ channelMultiple: 8, minChannels: 8, method: 'channels', sparsity: 0.5 });
    expect(validateDocument(document!, CATALOG).filter((p) => p.nodeId === 'p')).toEqual([]);
  });

  it('false (exact ratios) becomes multiple 1 and floor 1; documents without it are untouched', () => {
    expect(parsePipelineText(withPrune({ roundTo8: false })).document!.nodes[1].params).toEqual({ channelMultiple: 1, minChannels: 1 });
    expect(parsePipelineText(withPrune({ sparsity: 0.7 })).document!.nodes[1].params).toEqual({ sparsity: 0.7 });
  });
});
