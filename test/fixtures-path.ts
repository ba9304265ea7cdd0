// Where the shared test models live: `../shared/fixtures/models` beside the repository
// (also in CI's clean clone), or WHITTLE_FIXTURES.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURES_DIR = process.env.WHITTLE_FIXTURES ?? fileURLToPath(new URL('../../shared/fixtures/models/', import.meta.url));
export const LENET_FIXTURE = join(FIXTURES_DIR, 'lenet5-mnist-trained.onnx');
export const MOBILENET_FIXTURE = join(FIXTURES_DIR, 'mobilenet_v2-random.onnx');
