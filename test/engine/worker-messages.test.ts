// The engine process ignores messages that are not part of its protocol (a null, a number,
// a start without a plan, an unknown type) and goes on: it still answers a cancel and exits
// only when its parent goes away.
import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultWorkerPath } from '../../src/main/engine/spawn.ts';

describe('engine message handling', () => {
  it('survives malformed messages from its parent', async () => {
    const child = fork(defaultWorkerPath(), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('message', (m) => { if ((m as { type?: string }).type === 'hello') resolve(); });
        child.on('exit', (code) => reject(new Error(`engine exited (${code}): ${stderr}`)));
      });
      for (const bad of [42, 'start', [], { type: 'start' }, { type: 'start', plan: null }, { type: 'nope' }, { data: null }]) child.send(bad);
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull();
      expect(stderr).toContain('ignored a message that is not part of the engine protocol');
      expect(stderr).not.toMatch(/TypeError|Error:/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await exited;
    }
  }, 60_000);
});
