// Stable serialization: the same document always gives the same bytes. Keys come in a
// fixed order (document and node fields) or sorted (params, maps); node order is kept
// (it is the user's), edges are sorted (their order means nothing); two-space indent,
// small flat arrays and objects on one line, a trailing newline.
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document.ts';

const DOCUMENT_KEYS = ['format', 'version', 'name', 'description', 'sweep', 'nodes', 'edges'];
const NODE_KEYS = ['id', 'kind', 'kindVersion', 'label', 'params', 'sweeps', 'position'];
const GROUP_KEYS = ['id', 'title', 'position', 'size'];
const NOTE_KEYS = ['id', 'text', 'position', 'size'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function ordered(obj: Record<string, unknown>, keys: string[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = canonical(obj[k]);
  return out;
}

/** Plain JSON with object keys sorted; undefined fields dropped. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  return value as Json;
}

function edgeKey(e: PipelineEdge): string {
  return JSON.stringify([e.from, e.to]);
}

function isPrimitive(value: Json): boolean {
  return value === null || typeof value !== 'object';
}

/** Flat enough for one line: primitives, or arrays of primitives (e.g. an edge's [node, port]). */
function isFlat(value: Json): boolean {
  const children = Array.isArray(value) ? value : Object.values(value as object) as Json[];
  return children.every((c) => isPrimitive(c) || (Array.isArray(c) && c.every(isPrimitive)));
}

function writeInline(value: Json): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeInline).join(', ')}]`;
  const entries = Object.entries(value as object) as [string, Json][];
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${writeInline(v)}`).join(', ')} }`;
}

function write(value: Json, indent: string): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  const entries: [string | null, Json][] = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value as object);
  if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
  if (isFlat(value)) {
    const inline = writeInline(value);
    if (inline.length + indent.length <= 100) return inline;
  }
  const inner = indent + '  ';
  const lines = entries.map(([k, v]) => `${inner}${k === null ? '' : `${JSON.stringify(k)}: `}${write(v, inner)}`);
  return Array.isArray(value) ? `[\n${lines.join(',\n')}\n${indent}]` : `{\n${lines.join(',\n')}\n${indent}}`;
}

export function serializeDocument(doc: PipelineDocument): string {
  const nodes = doc.nodes.map((n: PipelineNode) => ordered({ ...n, params: n.params ?? {} }, NODE_KEYS));
  const edges = [...doc.edges].sort((a, b) => (edgeKey(a) < edgeKey(b) ? -1 : edgeKey(a) > edgeKey(b) ? 1 : 0)).map((e) => ({ from: canonical(e.from), to: canonical(e.to) }));
  const top = ordered({ ...doc, nodes: undefined, edges: undefined, groups: undefined, notes: undefined }, DOCUMENT_KEYS);
  // Canvas decorations are written only when there are some (most pipelines have none).
  const decor = {
    ...(doc.groups?.length ? { groups: doc.groups.map((g) => ordered(g, GROUP_KEYS)) } : {}),
    ...(doc.notes?.length ? { notes: doc.notes.map((n) => ordered(n, NOTE_KEYS)) } : {}),
  };
  return `${write({ ...top, nodes, edges, ...decor }, '')}\n`;
}
