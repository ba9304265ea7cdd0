// Versions for app.info and run records: Whittle's from its package.json, found by
// walking up from this file (works from source, from out/main and inside an asar).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findUp(start: string, relative: string): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function whittleVersion(): string {
  const pkg = findUp(import.meta.dirname, 'package.json');
  if (!pkg) return '0.0.0';
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function onnxruntimeVersion(): string {
  const pkg = findUp(import.meta.dirname, 'node_modules/onnxruntime-node/package.json');
  if (!pkg) return 'unknown';
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
}

/** The repo's (or app's) resources folder: examples, bundled models. */
/** The example every door opens at start-up: the whole prune -> share -> quantize story. */
export const STARTUP_EXAMPLE = 'lenet5-compress';

export function defaultResourcesDir(): string {
  const found = findUp(import.meta.dirname, 'resources/examples');
  return found ? dirname(found) : join(process.cwd(), 'resources');
}
