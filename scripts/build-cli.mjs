#!/usr/bin/env node
// Compile the CLI and the engine worker to out/cli/ (esbuild, ESM, Node 20): `bin/whittle.js`
// runs these with plain Node from any folder, after `npm install -g`, `npm link` or `npx`.
// npm dependencies stay external (resolved from node_modules next to the package at run time);
// native modules (onnxruntime-node, sharp) cannot be bundled anyway. Each file is written to a
// temp name and renamed, so a build never leaves a half-written CLI for a process running it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without devDependencies: bin/whittle.js then runs the sources through tsx.
  console.warn('whittle: esbuild is not installed; the CLI will run from its TypeScript sources.');
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'cli');
const result = await build({
  absWorkingDir: root,
  entryPoints: { whittle: 'src/main/cli/index.ts', worker: 'src/main/engine/worker.ts' },
  outdir,
  bundle: true,
  write: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS pieces (protobufjs's generated code) call require(): give ESM one.
  banner: { js: "import { createRequire as __whittleRequire } from 'node:module'; const require = __whittleRequire(import.meta.url);" },
});
mkdirSync(outdir, { recursive: true });
for (const file of result.outputFiles) {
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
}
