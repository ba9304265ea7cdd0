// Honest names for the bundled data (DESIGN.md §5): the 10,000-digit subset and Whittle's
// 7,996/2,004 split are named as what they are wherever a user reads about them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASET_MNIST } from '../../src/shared/catalog/dataset-mnist.ts';
import { describeDataset } from '../../src/main/data/describe.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CANONICAL_CLAIM = /canonical (MNIST )?test (split|set)/i;

describe('bundled MNIST names', () => {
  it('the catalog entry states the subset, its size and the split, and no option claims the canonical test set', () => {
    expect(DATASET_MNIST.title).toBe('MNIST subset (bundled)');
    expect(DATASET_MNIST.description).toMatch(/10,000-digit subset/);
    expect(DATASET_MNIST.description).toMatch(/7,996/);
    expect(DATASET_MNIST.description).toMatch(/2,004/);
    expect(DATASET_MNIST.description).not.toMatch(CANONICAL_CLAIM);
    const split = DATASET_MNIST.params.split;
    expect(split.type === 'enum' && split.options.map((o) => o.label)).toEqual(['Test split (2,004 of the 10,000)', 'Train split (7,996 of the 10,000)', 'All 10,000 (train and test)']);
  });

  it('dataset labels and names carry the split and its size', () => {
    expect(describeDataset('dataset.mnist', { split: 'test' }, ROOT).label).toBe('MNIST subset, test split (2,004 of 10,000)');
    expect(describeDataset('dataset.mnist', { split: 'all' }, ROOT).label).toBe('MNIST subset, all 10,000 bundled digits');
    const train = loadMnist('train');
    expect(train.size).toBe(7996);
    expect(train.name).toBe('MNIST subset, train split (7,996 of 10,000)');
  });

  it('README and the bundled examples never call the 2,004 digits the canonical MNIST test split', () => {
    const texts = [readFileSync(join(ROOT, 'README.md'), 'utf8')];
    const examples = join(ROOT, 'resources/examples');
    for (const f of readdirSync(examples).filter((n) => n.endsWith('.json'))) texts.push(readFileSync(join(examples, f), 'utf8'));
    for (const text of texts) expect(text).not.toMatch(CANONICAL_CLAIM);
  });
});
