// `npm run bench [filter]`: runs every bench/*.bench.ts in turn (or those whose name
// contains the filter). Each file's default export prints its own table of figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';

const filter = process.argv[2] ?? '';
const dir = import.meta.dirname;
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Whittle benchmarks on ${cpu}, ${os.cpus().length} cores, Node ${process.version}`);
// These drive the browser host, which serves the built renderer: build it first, as
// `npm run web` and `npm run test:e2e` do, so a fresh clone (or a stale build) is not what is timed.
const BROWSER_BENCHES = ['editor.bench.ts', 'documents.bench.ts'];
if (files.some((f) => BROWSER_BENCHES.includes(f))) {
  const root = resolve(dir, '..');
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('The renderer did not build (see above), so the editor benches cannot run: fix the build, or run a filter without them (npm run bench quantize).');
    process.exit(1);
  }
}
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<void> };
    await mod.default();
  } catch (err) {
    failed++;
    console.error(`bench ${file} failed:`, err instanceof Error ? err.stack : err);
  }
}
process.exit(failed > 0 ? 1 : 0);
