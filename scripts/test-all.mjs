#!/usr/bin/env node
// `npm test`: lint, type-check, unit/integration tests (vitest), e2e (Playwright).
// First finds or installs Chromium and sshd (scripts/test-prereqs.mjs), or stops with one
// sentence naming what is missing. Then runs every stage even when one fails and prints
// one line: `N passed, N failed` (lint and each type-check count as one check each; tests
// count one each). Tools run from node_modules/.bin, not through npx, so npm's own
// start-up (and its config warnings) happens once, not once per stage.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureTestPrerequisites } from './test-prereqs.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const bin = (name) => `node_modules/.bin/${name}`;
const stages = [
  { name: 'lint', cmd: bin('eslint'), args: ['.'] },
  { name: 'typecheck (main, shared, tests)', cmd: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'typecheck (renderer)', cmd: bin('tsc'), args: ['-p', 'tsconfig.web.json'] },
  { name: 'vitest', cmd: bin('vitest'), args: ['run'], results: '.tmp/vitest-results.json' },
  { name: 'build renderer', cmd: bin('vite'), args: ['build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'] },
  { name: 'playwright', cmd: bin('playwright'), args: ['test'], results: '.tmp/playwright-results.json', needs: 'build renderer' },
];

const missing = ensureTestPrerequisites();
if (missing) {
  console.log(`npm test cannot run here: ${missing}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

mkdirSync('.tmp', { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const failedStages = [];
const ok = new Set();

function countVitest(file) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: r.numPassedTests ?? 0, failed: (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0), skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

function countPlaywright(file) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const s = r.stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

for (const stage of stages) {
  if (stage.needs && !ok.has(stage.needs)) {
    console.log(`\n=== ${stage.name}: not run, '${stage.needs}' failed`);
    failed++;
    failedStages.push(stage.name);
    continue;
  }
  console.log(`\n=== ${stage.name}`);
  if (stage.results) rmSync(stage.results, { force: true });
  const res = spawnSync(stage.cmd, stage.args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  if (stage.results) {
    if (existsSync(stage.results)) {
      const c = stage.name === 'vitest' ? countVitest(stage.results) : countPlaywright(stage.results);
      passed += c.passed; failed += c.failed; skipped += c.skipped;
      if (res.status !== 0 && c.failed === 0) { failed++; failedStages.push(`${stage.name} (exit ${res.status})`); }
      else if (c.failed > 0) failedStages.push(stage.name);
    } else {
      failed++;
      failedStages.push(`${stage.name} (no results)`);
    }
  } else if (res.status === 0) {
    passed++;
  } else {
    failed++;
    failedStages.push(stage.name);
  }
  if (res.status === 0) ok.add(stage.name);
}

if (failedStages.length) console.log(`\nFailed: ${failedStages.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
