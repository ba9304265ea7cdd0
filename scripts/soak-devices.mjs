#!/usr/bin/env node
// Runs the device suites several times in a row while CPU-bound processes load the machine,
// to show a profile's cleanup does not depend on timing:
//   node scripts/soak-devices.mjs [rounds=5] [burners=2]
// Each burner is a bounded busy loop (it stops by itself after 15 minutes at the latest).
import { spawn, spawnSync } from 'node:child_process';

const rounds = Number(process.argv[2] ?? 5);
const burnerCount = Number(process.argv[3] ?? 2);
const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'const end = Date.now() + 15 * 60e3; while (Date.now() < end) {}'], { stdio: 'ignore' }));
let failedRounds = 0;
try {
  for (let i = 1; i <= rounds; i++) {
    const r = spawnSync('npx', ['vitest', 'run', 'test/devices', '--reporter=dot'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    const summary = /Tests\s+(.*)/.exec(r.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? 'no summary';
    console.log(`round ${i}/${rounds} with ${burnerCount} CPU burners: ${r.status === 0 ? 'passed' : 'FAILED'} (${summary.trim()})`);
    if (r.status !== 0) { failedRounds++; process.stdout.write(r.stdout); }
  }
} finally {
  for (const b of burners) b.kill('SIGKILL');
}
console.log(`${rounds - failedRounds} passed, ${failedRounds} failed`);
process.exit(failedRounds ? 1 : 0);
