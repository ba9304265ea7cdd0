#!/usr/bin/env node
// The `whittle` command: runs the compiled CLI in out/cli (built by `npm run build:cli`, and
// by `npm install`/`npm pack` through `prepare`) with plain Node, from any current folder.
// In a git checkout whose build is missing or older than the sources, it runs the TypeScript
// sources through tsx instead, so an edit is never hidden behind a stale build. (An installed
// package is never "stale": npm gives its files the time they were unpacked.)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out', 'cli', 'whittle.js');

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  if (!existsSync(built)) return false;
  if (!existsSync(join(root, '.git'))) return true;
  const builtMs = statSync(built).mtimeMs;
  return ['src/main', 'src/shared'].every((d) => !existsSync(join(root, d)) || newestSourceMs(join(root, d)) <= builtMs);
}

// WHITTLE_CLI=built insists on the compiled CLI (tests of the real installed path).
if (process.env.WHITTLE_CLI === 'built' && !existsSync(built)) {
  console.error(`whittle: ${built} is missing; build it with \`npm run build:cli\`.`);
  process.exit(1);
}
const compiled = process.env.WHITTLE_CLI === 'built' || builtIsCurrent();
// TypeScript plugins (WHITTLE_PLUGINS=x.ts) and the sources need tsx registered.
if (!compiled || /\.[cm]?ts($|[:;])/.test(process.env.WHITTLE_PLUGINS ?? '')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(compiled ? new URL('../out/cli/whittle.js', import.meta.url).href : new URL('../src/main/cli/index.ts', import.meta.url).href);
