#!/usr/bin/env node
// The `whittle` command: runs the compiled CLI in out/cli (built by `npm run build:cli`, and
// by `npm install`/`npm pack` through `prepare`) with plain Node, from any current folder.
// In a source checkout without a build it falls back to the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../out/cli/whittle.js', import.meta.url);
// TypeScript plugins (WHITTLE_PLUGINS=x.ts) and the source fallback need tsx registered.
const wantsTsx = !existsSync(fileURLToPath(built)) || /\.[cm]?ts($|[:;])/.test(process.env.WHITTLE_PLUGINS ?? '');
if (wantsTsx) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(existsSync(fileURLToPath(built)) ? built.href : new URL('../src/main/cli/index.ts', import.meta.url).href);
