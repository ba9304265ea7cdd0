import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run real code: real ONNX Runtime sessions, a real sshd.
// Two cores: run files in two forks; heavy suites raise their own timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // Runs of unsaved pipelines export to the user's Whittle folder: never the real one in tests.
    env: { WHITTLE_USER_DIR: join(tmpdir(), `whittle-test-user-${process.pid}`) },
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
  },
});
