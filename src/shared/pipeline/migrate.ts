// Forward migration of older pipeline documents: one function per version step, applied
// in order until the document reaches PIPELINE_VERSION. A step takes the raw JSON of
// version N and returns the raw JSON of version N + 1; it never mutates its input.
import { PIPELINE_VERSION } from './document.ts';

type RawDocument = Record<string, unknown>;
export type MigrationStep = (doc: RawDocument) => RawDocument;

function portRef(ref: unknown): unknown {
  if (typeof ref !== 'string') return ref;
  const dot = ref.lastIndexOf('.');
  return dot > 0 ? [ref.slice(0, dot), ref.slice(dot + 1)] : ref;
}

/**
 * Version 0 was the prototype format: nodes carried `type` and `x`/`y`, and edges were
 * `links` with "node.port" strings. Version 1 (DESIGN.md §3) has `kind`, `position` and
 * `edges` with [node, port] pairs.
 */
function v0ToV1(doc: RawDocument): RawDocument {
  const { links, title, ...rest } = doc;
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  return {
    ...rest,
    version: 1,
    ...(title !== undefined && rest.name === undefined ? { name: title } : {}),
    nodes: nodes.map((n: unknown) => {
      if (typeof n !== 'object' || n === null) return n;
      const { type, x, y, ...node } = n as Record<string, unknown>;
      return {
        ...node,
        ...(type !== undefined && node.kind === undefined ? { kind: type } : {}),
        ...(typeof x === 'number' && typeof y === 'number' ? { position: { x, y } } : {}),
      };
    }),
    edges: Array.isArray(links)
      ? links.map((l: unknown) => {
        const link = l as { from?: unknown; to?: unknown };
        return { from: portRef(link.from), to: portRef(link.to) };
      })
      : (doc.edges ?? []),
  };
}

/**
 * Version 2 added optional groups and sticky notes (canvas-only; execution ignores them) and
 * sweeps (a param's list or range of values, and the document's sampling settings).
 */
function v1ToV2(doc: RawDocument): RawDocument {
  return { ...doc, version: 2 };
}

/**
 * Params renamed within version 1, rewritten on every parse (idempotent, so no version
 * step is needed): prune's boolean `roundTo8` became `channelMultiple` and `minChannels`
 * (channel counts rounded to a multiple, never under a floor; both 8 by default). An
 * explicit `roundTo8: false` asked for exact ratios, which is now multiple 1 and floor 1.
 */
export function renameLegacyParams(doc: RawDocument): RawDocument {
  if (!Array.isArray(doc.nodes)) return doc;
  const nodes = doc.nodes;
  return {
    ...doc,
    nodes: nodes.map((n: unknown) => {
      if (typeof n !== 'object' || n === null) return n;
      const node = n as Record<string, unknown>;
      const params = node.params as Record<string, unknown> | undefined;
      if (node.kind !== 'prune' || typeof params !== 'object' || params === null || !('roundTo8' in params)) return node;
      const { roundTo8, ...rest } = params;
      if (typeof roundTo8 !== 'boolean') return node;
      const step = roundTo8 ? 8 : 1;
      return { ...node, params: { channelMultiple: step, minChannels: step, ...rest } };
    }),
  };
}

/** MIGRATIONS[n] turns version n into version n + 1. */
export const MIGRATIONS: Record<number, MigrationStep> = {
  0: v0ToV1,
  1: v1ToV2,
};

/** Migrate a raw document of `fromVersion` up to the current version. */
export function migrateDocument(doc: RawDocument, fromVersion: number, steps: Record<number, MigrationStep> = MIGRATIONS, toVersion = PIPELINE_VERSION): RawDocument {
  let current = doc;
  for (let v = fromVersion; v < toVersion; v++) {
    const step = steps[v];
    if (!step) throw new Error(`No migration from pipeline version ${v} to ${v + 1}.`);
    current = step(current);
  }
  return current;
}
