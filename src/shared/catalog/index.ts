// The node catalog: every kind, declared once in its own file. Add one line per kind.
import type { NodeKindSpec } from './types.ts';

export const CATALOG: NodeKindSpec[] = [
];

export function findKind(kind: string): NodeKindSpec | undefined {
  return CATALOG.find((k) => k.kind === kind);
}
