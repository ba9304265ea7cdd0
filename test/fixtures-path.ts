// The test models, all from inside the repository: trained exports are committed whole
// (test/fixtures/models/*.onnx, and the bundled LeNet-5 in resources/models); random-weight
// exports are committed as skeletons (test/fixtures/skeleton.ts) and rebuilt on first use
// into .tmp/fixtures/, keyed by the skeleton's hash so a changed skeleton is rebuilt.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fillSkeleton } from './fixtures/skeleton.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const COMMITTED = join(REPO, 'test', 'fixtures', 'models');

/** Where the runnable fixtures are: every name below is a file in this folder once asked for. */
export const FIXTURES_DIR = join(REPO, '.tmp', 'fixtures');

const WHOLE: Record<string, string> = {
  'lenet5-mnist-trained.onnx': join(REPO, 'resources', 'models', 'lenet5-mnist.onnx'),
  'vit-tiny-mnist-trained.onnx': join(COMMITTED, 'vit-tiny-mnist-trained.onnx'),
};
const SKELETONS = ['mobilenet_v2-random.onnx', 'mobilenet_v3_small-random.onnx', 'shufflenet_v2_x1_0-random.onnx', 'yolo-tiny-random.onnx'] as const;

export type FixtureName = keyof typeof WHOLE | (typeof SKELETONS)[number];

/** Absolute path of a runnable fixture model in FIXTURES_DIR, built on first use. */
export function fixtureModel(name: FixtureName): string {
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const target = join(FIXTURES_DIR, name);
  const whole = WHOLE[name];
  if (whole) {
    if (!existsSync(target)) copyAtomically(target, readFileSync(whole));
    return target;
  }
  if (!(SKELETONS as readonly string[]).includes(name)) throw new Error(`No test fixture named ${name}.`);
  const skeleton = readFileSync(join(COMMITTED, name.replace(/\.onnx$/, '.skeleton.onnx')));
  const stamp = `${target}.${createHash('sha256').update(skeleton).digest('hex').slice(0, 16)}`;
  if (!existsSync(target) || !existsSync(stamp)) {
    copyAtomically(target, fillSkeleton(skeleton));
    writeFileSync(stamp, '');
  }
  return target;
}

/** Parallel test workers may build the same fixture: write aside, then rename into place. */
function copyAtomically(target: string, bytes: Uint8Array): void {
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, target);
}

export const LENET_FIXTURE = fixtureModel('lenet5-mnist-trained.onnx');
export const MOBILENET_FIXTURE = fixtureModel('mobilenet_v2-random.onnx');
