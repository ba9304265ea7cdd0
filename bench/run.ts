// `npm run bench [filter]`: runs every bench/*.bench.ts in turn (or those whose name
// contains the filter). Each file's default export prints its own table of figures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';

const filter = process.argv[2] ?? '';
const dir = import.meta.dirname;
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Whittle benchmarks on ${cpu}, ${os.cpus().length} cores, Node ${process.version}`);
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
