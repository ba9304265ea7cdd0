// examples.list / examples.get: the bundled pipelines in resources/examples.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { WhittleError } from '../../../shared/errors.ts';
import { parsePipelineText } from '../../../shared/pipeline/parse.ts';
import type { CallImpl } from '../types.ts';
import type { ApiContext } from '../context.ts';

async function exampleFiles(ctx: ApiContext): Promise<string[]> {
  const dir = join(ctx.resourcesDir, 'examples');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
}

async function loadExample(path: string) {
  const text = await readFile(path, 'utf8');
  const parsed = parsePipelineText(text);
  if (!parsed.document) {
    throw new WhittleError('examples.broken', `The bundled example ${basename(path)} cannot be read: ${parsed.problems[0]?.message}`, 'This is a bug in Whittle\'s bundled examples.');
  }
  const info = { id: basename(path, '.json'), name: parsed.document.name, path, ...(parsed.document.description ? { description: parsed.document.description } : {}) };
  return { info, document: parsed.document, text };
}

export const examplesList: CallImpl<'examples.list'> = async (_req, ctx) => {
  const examples = [];
  for (const path of await exampleFiles(ctx)) examples.push((await loadExample(path)).info);
  return { examples };
};

export const examplesGet: CallImpl<'examples.get'> = async (req, ctx) => {
  const path = (await exampleFiles(ctx)).find((p) => basename(p, '.json') === req.id);
  if (!path) throw new WhittleError('examples.not-found', `There is no bundled example "${req.id}".`, 'List them with examples.list.');
  const { info, document, text } = await loadExample(path);
  return { example: info, document, text };
};
