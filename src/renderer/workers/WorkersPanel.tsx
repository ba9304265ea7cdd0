// The Workers panel (DESIGN.md §10): the queue runs go to (the app's queue setting) and the
// `whittle worker`s on it, from their heartbeats: host, cores, the nodes they run, jobs done
// and failed attempts.
import { useState } from 'react';
import { queueUrlProblem, type WorkerBeat } from '../../shared/api/workers.ts';
import { setQueueSetting, useQueueSetting } from './queueSetting.ts';
import { useWorkers } from './useWorkers.ts';
import './workers.css';

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function WorkerRow({ w }: { w: WorkerBeat }) {
  return (
    <tr data-testid="worker-row">
      <td title={w.id}>{w.host} <span className="wh-muted">pid {w.pid}</span></td>
      <td>{w.cores}</td>
      <td>{w.running.length === 0 ? <span className="wh-muted">idle</span> : w.running.map((r) => `${r.nodeId} (${r.kind})`).join(', ')}</td>
      <td>{w.jobsDone}</td>
      <td className={w.failures > 0 ? 'wh-workers__bad' : undefined}>{w.failures}</td>
      <td className="wh-muted">{ago(w.lastSeenMs)}</td>
    </tr>
  );
}

export function WorkersPanel() {
  const queue = useQueueSetting();
  const [draft, setDraft] = useState(queue);
  const list = useWorkers(queue);
  // Checked before it is saved: a saved typo would be offered back in the command below.
  const problem = draft.trim() ? queueUrlProblem(draft.trim()) : undefined;
  return (
    <section className="wh-workers" data-testid="workers-panel" aria-label="Workers">
      <h2>Workers</h2>
      <form className="wh-workers__queue" onSubmit={(e) => { e.preventDefault(); if (!problem) setQueueSetting(draft.trim()); }}>
        <label htmlFor="wh-queue-url">Run nodes on the queue</label>
        <input id="wh-queue-url" className="wh-input" placeholder="redis://HOST:PORT (empty: this machine only)" value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="queue-url" />
        <button type="submit" className="wh-btn wh-btn--small" disabled={draft.trim() === queue || problem !== undefined}>Save</button>
      </form>
      {problem && <p className="wh-workers__bad" role="alert" data-testid="queue-url-problem">{problem} Give the Redis of the queue as redis://HOST:PORT, e.g. redis://127.0.0.1:6379.</p>}
      <p className="wh-muted">
        {queue
          ? <>Runs send nodes that need nothing of this machine to <code>whittle worker --queue {queue}</code> processes; exports and board profiles stay here.</>
          : 'Runs use a pool of engine processes on this machine. Set a queue to spread nodes over other machines.'}
      </p>
      {list?.error && <p className="wh-workers__bad" role="alert">{list.error}</p>}
      {list && !list.error && list.workers.length === 0 && <p className="wh-muted">No worker is on this queue: start one with <code>whittle worker --queue {queue}</code>.</p>}
      {list && list.workers.length > 0 && (
        <table className="wh-workers__table">
          <thead><tr><th>Host</th><th>Cores</th><th>Running</th><th>Jobs done</th><th>Failures</th><th>Seen</th></tr></thead>
          <tbody>{list.workers.map((w) => <WorkerRow key={w.id} w={w} />)}</tbody>
        </table>
      )}
    </section>
  );
}
