// The CLI's plain progress lines (CI logs, pipes) say "done with warnings" and print the
// main warning of an amber node, fresh or cached; a clean node stays "done".
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { plainProgress } from '../../src/main/cli/progress.ts';

function capture(): { stream: Writable; text(): string } {
  let out = '';
  const stream = new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } });
  return { stream, text: () => out };
}

describe('CLI progress with warnings', () => {
  it('prints the outcome and the main warning', () => {
    const { stream, text } = capture();
    const view = plainProgress(stream);
    const base = { runId: 'r', atMs: 0 };
    view.onEvent({ ...base, type: 'finished', nodeId: 'q', metrics: { layersInt8: 0 }, durationMs: 12, warnings: ['Nothing was quantized.', 'Second.'] });
    view.onEvent({ ...base, type: 'finished', nodeId: 'ok', metrics: {}, durationMs: 3 });
    view.onEvent({ ...base, type: 'cached', nodeId: 'e', metrics: {}, warnings: ['Scored on training data.'] });
    view.onEvent({ ...base, type: 'run.finished', status: 'done' });
    const lines = text().split('\n');
    expect(lines[0]).toMatch(/^\[q\] done with warnings in 12 ms/);
    expect(lines[1]).toBe('    warning: Nothing was quantized. (+1 more)');
    expect(lines[2]).toMatch(/^\[ok\] done in 3 ms/);
    expect(lines[3]).toMatch(/^\[e\] cached with warnings/);
    expect(lines[4]).toBe('    warning: Scored on training data.');
    expect(lines[5]).toBe('run done (2 nodes with warnings: q, e)');
  });
});
