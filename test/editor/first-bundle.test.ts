// What the editor's first bundle loads: the modules the renderer's entry reaches through
// static value imports (dynamic import() makes a chunk loaded later). The schemas library,
// the charts and the markdown parser are not among them: evaluating zod's schemas alone took
// ~45 ms of the page load (bench:editor), and the others load with the views that show them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENTRY = resolve(import.meta.dirname, '..', '..', 'src', 'renderer', 'main.tsx');
const STATEMENT = /^\s*(import|export)\s+([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

/** True when every name the statement brings is a type (the compiler drops the statement). */
function typeOnly(keyword: string, clause: string): boolean {
  if (/^type\s/.test(clause)) return true;
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1].split(',').map((n) => n.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** Every source file and package the entry reaches by static value imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATEMENT)) {
      const [, keyword, clause, from, bare] = m;
      const spec = from ?? bare;
      if (from && typeOnly(keyword, clause)) continue;
      if (spec.startsWith('.')) {
        if (/\.tsx?$/.test(spec)) todo.push(resolve(dirname(file), spec));
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  }
  return { files, packages };
}

describe("the editor's first bundle", () => {
  const graph = staticGraph(ENTRY);

  it('is found by the walk (the canvas, the store and React Flow are in it)', () => {
    expect([...graph.files].some((f) => f.endsWith('PipelineCanvas.tsx'))).toBe(true);
    expect([...graph.files].some((f) => f.endsWith('createPipelineStore.ts'))).toBe(true);
    expect(graph.packages).toContain('@xyflow/react');
  });

  it('does not load zod, the charts or the markdown parser', () => {
    expect(graph.packages).not.toContain('zod');
    expect(graph.packages).not.toContain('recharts');
    expect(graph.packages).not.toContain('markdown-it');
  });
});
