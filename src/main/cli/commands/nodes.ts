// `whittle nodes [--json]`: every node kind with its ports and parameters (types,
// defaults, bounds, help), grouped by category.
import type { Command } from 'commander';
import { NODE_CATEGORIES, type NodeKindSpec, type ParamSpec } from '../../../shared/catalog/types.ts';
import { cliApi } from '../api.ts';

function describeParam(name: string, p: ParamSpec): string {
  const parts = [`${p.type}`];
  if (p.type === 'number' || p.type === 'number-map') {
    if (p.min !== undefined || p.max !== undefined) parts.push(`range [${p.min ?? '-inf'}, ${p.max ?? 'inf'}${p.exclusiveMax ? ')' : ']'}`);
    if (p.type === 'number' && p.integer) parts.push('integer');
    if (p.type === 'number' && p.unit) parts.push(`unit ${p.unit}`);
  }
  if (p.type === 'enum') parts.push(`one of ${p.options.map((o) => o.value).join('|')}`);
  if (p.type === 'path') parts.push(p.mode);
  if (p.visibleWhen) parts.push(`when ${p.visibleWhen.param} = ${p.visibleWhen.equals.join('|')}`);
  return `    ${name} (${parts.join(', ')}) default ${JSON.stringify(p.default)}\n        ${p.label}: ${p.help}`;
}

export function describeKind(k: NodeKindSpec): string {
  const ports = (list: NodeKindSpec['inputs']) => list.map((p) => `${p.name}: ${p.type}${p.optional ? '?' : ''}`).join(', ') || 'none';
  const params = Object.entries(k.params).map(([name, p]) => describeParam(name, p));
  return [
    `  ${k.kind} — ${k.title} (v${k.version})`,
    `    ${k.description}`,
    `    inputs: ${ports(k.inputs)}    outputs: ${ports(k.outputs)}`,
    ...(params.length ? ['  params:', ...params] : ['    params: none']),
  ].join('\n');
}

export function registerNodes(program: Command): void {
  program
    .command('nodes')
    .description('List every node kind with its ports and parameters.')
    .option('--json', 'print the catalog as JSON')
    .action(async (opts: { json?: boolean }) => {
      // The catalog plus any WHITTLE_PLUGINS kinds.
      const catalog = (await cliApi()).ctx.catalog;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      for (const category of NODE_CATEGORIES) {
        const kinds = catalog.filter((k) => k.category === category);
        if (kinds.length === 0) continue;
        out.push(`${category}`, ...kinds.map(describeKind), '');
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
