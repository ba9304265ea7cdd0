// Groups and sticky notes in the document (version 2): a version-1 file migrates, both
// round-trip through serialize/parse with stable bytes, bad ones are refused by the schema,
// the edits that make them are undoable, and validation (what execution checks) ignores them.
import { describe, expect, it } from 'vitest';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { serializeDocument } from '../../src/shared/pipeline/serialize.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { RunRecordSchema } from '../../src/shared/api/run.ts';
import { PIPELINE_VERSION, type PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import { commit, createHistory, undo } from '../../src/shared/editor/history.ts';
import { TEST_CATALOG } from './catalog-fixture.ts';

const V1 = JSON.stringify({
  format: 'whittle.pipeline', version: 1, name: 'old',
  nodes: [{ id: 's', kind: 'src', params: {}, position: { x: 0, y: 0 } }], edges: [],
});

function decorated(): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: PIPELINE_VERSION, name: 'decorated',
    nodes: [{ id: 's', kind: 'src', params: { file: 'models/a.onnx' }, position: { x: 40, y: 60 } }],
    edges: [],
    groups: [{ id: 'group-1', title: 'Inputs', position: { x: 0, y: 0 }, size: { width: 400, height: 240 } }],
    notes: [{ id: 'note-1', text: '# Why\n- prune **before** quantize', position: { x: 500, y: 0 }, size: { width: 240, height: 140 } }],
  };
}

describe('groups and notes in the pipeline document', () => {
  it('migrates a version-1 document to the current version without decorations', () => {
    const r = parsePipelineText(V1);
    expect(r.problems).toEqual([]);
    expect(r.migratedFrom).toBe(1);
    expect(r.document!.version).toBe(PIPELINE_VERSION);
    expect(r.document!.groups).toBeUndefined();
    expect(serializeDocument(r.document!)).not.toContain('"groups"');
  });

  it('round-trips groups and notes with the same bytes', () => {
    const text = serializeDocument(decorated());
    expect(text).toContain('"groups": [');
    expect(text).toContain('"notes": [');
    const parsed = parsePipelineText(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.document!.groups).toEqual(decorated().groups);
    expect(parsed.document!.notes).toEqual(decorated().notes);
    expect(serializeDocument(parsed.document!)).toBe(text);
  });

  it('refuses a group without a size and a note with an unknown field, naming the path', () => {
    const noSize = JSON.parse(serializeDocument(decorated()));
    delete noSize.groups[0].size;
    const r1 = parsePipelineText(JSON.stringify(noSize));
    expect(r1.document).toBeNull();
    expect(r1.problems[0].path).toBe('groups.0.size');
    const extra = JSON.parse(serializeDocument(decorated()));
    extra.notes[0].colour = 'yellow';
    expect(parsePipelineText(JSON.stringify(extra)).document).toBeNull();
  });

  it('is ignored by validation: a document with decorations validates like one without', () => {
    const doc = decorated();
    const plain = { ...doc, groups: undefined, notes: undefined };
    expect(validateDocument(doc, TEST_CATALOG)).toEqual(validateDocument(plain, TEST_CATALOG));
  });

  it('reports a group or note whose id is taken by a node or another decoration', () => {
    const doc = decorated();
    doc.notes = [...doc.notes!, { id: 's', text: '', position: { x: 0, y: 0 }, size: { width: 10, height: 10 } }, { id: 'group-1', text: '', position: { x: 0, y: 0 }, size: { width: 10, height: 10 } }];
    const dup = validateDocument(doc, TEST_CATALOG).filter((p) => p.code === 'pipeline.duplicate-id');
    expect(dup.map((p) => p.message)).toEqual([
      'The note id "s" is already used by a node, group or note.',
      'The note id "group-1" is already used by a node, group or note.',
    ]);
  });

  it('reads a run record that holds a version-1 document', () => {
    const record = {
      id: 'r1', status: 'done', name: 'old', startedAt: '2026-01-01T00:00:00Z', document: JSON.parse(V1), documentPath: null,
      versions: { whittle: '0', onnxruntime: '0', node: '0' }, host: { cpu: 'x', cores: 1, platform: 'linux', arch: 'x64', memoryBytes: 1 },
      order: [], nodes: {},
    };
    expect(RunRecordSchema.parse(record).document.version).toBe(PIPELINE_VERSION);
  });

  it('adds, edits, moves and removes decorations as undoable changes', () => {
    let h = createHistory(decorated());
    h = commit(h, [{ type: 'addNote', note: { id: 'note-2', text: 'x', position: { x: 0, y: 400 }, size: { width: 200, height: 100 } } }]);
    h = commit(h, [{ type: 'updateGroup', id: 'group-1', patch: { title: 'Sources' } }, { type: 'moveNodes', positions: { 'group-1': { x: 10, y: 20 }, s: { x: 50, y: 80 } } }]);
    expect(h.present.groups![0]).toMatchObject({ title: 'Sources', position: { x: 10, y: 20 } });
    expect(h.present.nodes[0].position).toEqual({ x: 50, y: 80 });
    h = commit(h, [{ type: 'removeNodes', ids: ['note-1', 'group-1'] }]);
    expect(h.present.groups).toEqual([]);
    expect(h.present.notes!.map((n) => n.id)).toEqual(['note-2']);
    h = undo(undo(h));
    expect(h.present.groups![0].title).toBe('Inputs');
    expect(h.present.notes).toHaveLength(2);
  });

  it('refuses an id already taken by a node, group or note', () => {
    expect(() => applyPipelineChanges(decorated(), [{ type: 'addGroup', group: { id: 's', title: 'g', position: { x: 0, y: 0 }, size: { width: 10, height: 10 } } }])).toThrow(/already exists/);
    expect(() => applyPipelineChanges(decorated(), [{ type: 'addNode', node: { id: 'note-1', kind: 'src', params: {} } }])).toThrow(/already exists/);
    expect(() => applyPipelineChanges(decorated(), [{ type: 'updateNote', id: 'nope', patch: { text: 'x' } }])).toThrow(/no note "nope"/);
  });
});
