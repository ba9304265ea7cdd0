// What to profile and where: a model a run produced (or an .onnx path), one or several
// boards, the runner and its settings. Each board gets its own job.
import { useEffect, useState } from 'react';
import type { Device, Precision, RunnerKind } from '../../shared/devices/schema.ts';
import { RUNNER_KINDS, RUNNER_LABELS } from '../../shared/devices/schema.ts';
import type { RunSummary } from '../../shared/api/run.ts';
import { RUNTIME_THREADS_PARAM } from '../../shared/catalog/benchmark.ts';
import { useApi } from '../api/useApi.ts';
import { ModelPathInput } from '../files/ModelPathInput.tsx';
import { whyNotReady } from './profileReadiness.ts';

interface RunModel { nodeId: string; port: string; label: string }

export function ProfileForm({ devices, selectedId, onStarted }: { devices: Device[]; selectedId?: string; onStarted(): void }) {
  const api = useApi();
  const [source, setSource] = useState<'run' | 'file'>('file');
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [runId, setRunId] = useState('');
  const [runModels, setRunModels] = useState<RunModel[]>([]);
  const [modelKey, setModelKey] = useState('');
  const [path, setPath] = useState('');
  const [boards, setBoards] = useState<string[]>(selectedId ? [selectedId] : []);
  const [runner, setRunner] = useState<RunnerKind | 'auto'>('auto');
  const [precision, setPrecision] = useState<Precision>('fp32');
  const [sparsity, setSparsity] = useState(false);
  const [warmupRuns, setWarmupRuns] = useState(10);
  const [timedRuns, setTimedRuns] = useState(200);
  // Host latency's default too, so a board and this computer are measured alike.
  const [threads, setThreads] = useState(RUNTIME_THREADS_PARAM.default);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => { if (selectedId && !boards.includes(selectedId)) setBoards([selectedId]); }, [selectedId]);
  useEffect(() => {
    api.call('runs.list', { limit: 30 }).then((r) => {
      setRuns(r.runs);
      if (r.runs.length) setSource('run');
    }).catch(() => setRuns([]));
  }, [api]);
  useEffect(() => {
    if (!runId) { setRunModels([]); return; }
    api.call('runs.get', { runId }).then(({ run }) => {
      const models: RunModel[] = [];
      for (const nodeId of run.order) {
        for (const [port, v] of Object.entries(run.nodes[nodeId]?.outputs ?? {})) {
          if (v.type === 'model') models.push({ nodeId, port, label: `${v.label} (${nodeId})` });
        }
      }
      setRunModels(models);
      setModelKey(models.length ? `${models[models.length - 1].nodeId}|${models[models.length - 1].port}` : '');
    }).catch((err: Error) => setError(err.message));
  }, [api, runId]);

  const pinned = devices.filter((d) => d.hostKeySha256);
  // Only boards whose identity is confirmed can be profiled on; a selected unpinned board is not counted.
  const chosen = boards.filter((id) => pinned.some((d) => d.id === id));
  const why = whyNotReady({ pinned: pinned.length, chosen: chosen.length, source, path, runId, modelKey });
  const unpinnedSelected = devices.find((d) => d.id === selectedId && !d.hostKeySha256);
  const start = async () => {
    setError(null);
    const [nodeId, port] = modelKey.split('|');
    const model = source === 'file' ? { modelPath: path.trim() } : { runId, nodeId, port };
    try {
      for (const deviceId of chosen) {
        await api.call('devices.profile', { deviceId, ...model, runner, precision, sparsity, warmupRuns, runs: timedRuns, threads });
      }
      onStarted();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="wh-profileform" data-testid="profile-form">
      <h3>Profile a model</h3>
      <div className="wh-profileform__source">
        <label><input type="radio" checked={source === 'run'} onChange={() => setSource('run')} disabled={!runs.length} /> From a run</label>
        <label><input type="radio" checked={source === 'file'} onChange={() => setSource('file')} data-testid="profile-source-file" /> .onnx file</label>
      </div>
      {source === 'run' ? (
        <div className="wh-devform__row">
          <select className="wh-input" value={runId} onChange={(e) => setRunId(e.target.value)} data-testid="profile-run">
            <option value="">— choose a run —</option>
            {runs.map((r) => <option key={r.id} value={r.id}>{r.name} · {new Date(r.startedAt).toLocaleString()}</option>)}
          </select>
          <select className="wh-input" value={modelKey} onChange={(e) => setModelKey(e.target.value)} disabled={!runModels.length} data-testid="profile-run-model">
            {/* Never an empty box: before a run is chosen the list says what it will hold. */}
            {runModels.length === 0 && <option value="">— its model —</option>}
            {runModels.map((m) => <option key={`${m.nodeId}|${m.port}`} value={`${m.nodeId}|${m.port}`}>{m.label}</option>)}
          </select>
        </div>
      ) : (
        <ModelPathInput value={path} onChange={setPath} placeholder="models/lenet5-int8.onnx" testId="profile-path" />
      )}
      <fieldset className="wh-profileform__boards">
        <legend>Boards</legend>
        {pinned.length === 0 && <span className="wh-muted">Add a board and pin its host key first.</span>}
        {unpinnedSelected && pinned.length > 0 && <span className="wh-muted">{unpinnedSelected.name} is not listed: its host key is not pinned yet.</span>}
        {pinned.map((d) => (
          <label key={d.id}>
            <input type="checkbox" checked={boards.includes(d.id)} onChange={(e) => setBoards((b) => (e.target.checked ? [...b, d.id] : b.filter((x) => x !== d.id)))} data-testid={`profile-board-${d.name}`} /> {d.name}
          </label>
        ))}
      </fieldset>
      <div className="wh-devform__row">
        <label>Runner
          <select className="wh-input" value={runner} onChange={(e) => setRunner(e.target.value as RunnerKind | 'auto')} data-testid="profile-runner">
            <option value="auto">Best available</option>
            {RUNNER_KINDS.map((k) => <option key={k} value={k}>{RUNNER_LABELS[k]}</option>)}
          </select>
        </label>
        <label>Precision
          <select className="wh-input" value={precision} onChange={(e) => setPrecision(e.target.value as Precision)}>
            <option value="fp32">FP32</option><option value="fp16">FP16</option><option value="int8">INT8</option><option value="best">Best</option>
          </select>
        </label>
        <label className="wh-devform__check"><input type="checkbox" checked={sparsity} onChange={(e) => setSparsity(e.target.checked)} /> 2:4 sparsity</label>
      </div>
      <div className="wh-devform__row">
        <label>Warm-up runs<input className="wh-input" type="number" min={0} value={warmupRuns} onChange={(e) => setWarmupRuns(Number(e.target.value))} /></label>
        <label>Timed runs<input className="wh-input" type="number" min={1} value={timedRuns} onChange={(e) => setTimedRuns(Number(e.target.value))} data-testid="profile-runs" /></label>
        <label title={RUNTIME_THREADS_PARAM.help}>Threads<input className="wh-input" type="number" min={0} max={256} value={threads} onChange={(e) => setThreads(Number(e.target.value))} data-testid="profile-threads" /></label>
      </div>
      {error && <p className="wh-error" role="alert">{error}</p>}
      <button type="button" className="wh-btn wh-btn--primary" disabled={why !== null} title={why ?? undefined} onClick={() => void start()} data-testid="profile-start">
        Profile on {chosen.length || 'no'} board{chosen.length === 1 ? '' : 's'}
      </button>
      {why && <p className="wh-muted wh-profileform__why" data-testid="profile-why-disabled">{why}</p>}
    </div>
  );
}
