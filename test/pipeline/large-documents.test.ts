// Issue 13's documents: 100,000-node chains and cycles validate without overflowing the
// stack or building quadratic messages; a BOM is accepted; a NUL byte in a path is refused.
// (How fast: `npm run bench documents` prints it.)
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { validateUnknown } from '../../src/shared/pipeline/validate-unknown.ts';
import { chainDocument } from '../../bench/documents.bench.ts';

describe('large documents', () => {
  it('a 100,000-node chain validates clean', () => {
    const doc = chainDocument(100_000);
    expect(validateUnknown(doc, CATALOG, { documentDir: '/proj' })).toEqual([]);
  });

  it('a 100,000-node cycle gives one short message per node', () => {
    const doc = chainDocument(100_000, { cycle: true });
    const problems = validateUnknown(doc, CATALOG, { documentDir: '/proj' });
    const cycle = problems.filter((p) => p.code === 'pipeline.cycle');
    expect(cycle).toHaveLength(99_999);
    expect(cycle[0].message).toBe('Node "n1" is part of a cycle: n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> … (99999 nodes in all).');
    expect(Math.max(...cycle.slice(0, 1000).map((p) => p.message.length))).toBeLessThan(200);
    expect(problems.filter((p) => p.code === 'pipeline.input-multiple').map((p) => p.nodeId)).toEqual(['n1']);
    expect(() => JSON.stringify(problems)).not.toThrow();
  });

  it('a node with 100,000 unknown params reports each without a stack overflow', () => {
    const doc = chainDocument(2);
    doc.nodes[1].params = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`x${i}`, i]));
    expect(validateUnknown(doc, CATALOG, { documentDir: '/proj' }).filter((p) => p.code === 'pipeline.unknown-param')).toHaveLength(100_000);
  });
});

describe('small document fixes', () => {
  it('a UTF-8 BOM before the JSON is accepted', () => {
    const text = `\uFEFF${JSON.stringify(chainDocument(2))}`;
    const parsed = parsePipelineText(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.document?.nodes).toHaveLength(2);
  });

  it('a NUL byte in a path is refused by validation', () => {
    const doc = chainDocument(1);
    doc.nodes[0].params = { path: 'models/a.onnx\u0000.txt' };
    const problems = validateDocument(doc, CATALOG, { documentDir: '/proj' });
    expect(problems).toMatchObject([{ code: 'pipeline.bad-param', nodeId: 'n0', param: 'path', message: expect.stringContaining('must not contain a NUL character') }]);
  });
});
