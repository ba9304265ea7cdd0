// Turn a random-weight ONNX export into a lean test fixture (see test/fixtures/skeleton.ts):
//   npx tsx scripts/make-fixture-skeleton.ts <export.onnx> [more.onnx ...]
// writes test/fixtures/models/<name>.skeleton.onnx for each.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSkeleton } from '../test/fixtures/skeleton.ts';

const out = fileURLToPath(new URL('../test/fixtures/models/', import.meta.url));
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npx tsx scripts/make-fixture-skeleton.ts <export.onnx> [more.onnx ...]');
  process.exit(2);
}
for (const file of files) {
  const bytes = readFileSync(file);
  const skeleton = makeSkeleton(bytes);
  const target = join(out, basename(file).replace(/\.onnx$/, '.skeleton.onnx'));
  writeFileSync(target, skeleton);
  console.log(`${basename(file)}: ${bytes.length} bytes -> ${skeleton.length} bytes (${target})`);
}
