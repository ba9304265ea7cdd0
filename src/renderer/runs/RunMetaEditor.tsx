// A run's name, tags and note, edited in place and kept in the run history (runs.update);
// and Delete, after a confirmation.
import { useEffect, useState } from 'react';
import type { RunRecord } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';

interface Props {
  run: RunRecord;
  /** After a change was saved (the list re-reads names and tags). */
  onChanged(): void;
  onDeleted(): void;
}

export function RunMetaEditor({ run, onChanged, onDeleted }: Props) {
  const api = useApi();
  const [name, setName] = useState(run.name);
  const [editing, setEditing] = useState(false);
  const [tags, setTags] = useState(run.tags ?? []);
  const [tagDraft, setTagDraft] = useState('');
  const [note, setNote] = useState(run.note ?? '');
  const [error, setError] = useState<string | null>(null);
  // Each field follows its own saved value: a saved tag must not reset a note being typed.
  useEffect(() => setName(run.name), [run.id, run.name]);
  useEffect(() => setTags(run.tags ?? []), [run.id, run.tags]);
  useEffect(() => setNote(run.note ?? ''), [run.id, run.note]);
  useEffect(() => setError(null), [run.id]);

  const save = async (edit: { name?: string; tags?: string[]; note?: string }) => {
    try {
      const { run: saved } = await api.call('runs.update', { runId: run.id, ...edit });
      setName(saved.name);
      setTags(saved.tags ?? []);
      setError(null);
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete the run "${run.name}" from the history? Its exported files stay where they are.`)) return;
    try {
      await api.call('runs.delete', { runId: run.id });
      onDeleted();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const addTag = () => {
    const t = tagDraft.trim();
    if (t) void save({ tags: [...tags, t] });
    setTagDraft('');
  };

  return (
    <div className="wh-runmeta" data-testid="run-meta">
      <div className="wh-runmeta__name">
        {editing ? (
          <input
            className="wh-input" autoFocus value={name} aria-label="Run name" data-testid="run-name-input"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter') { setEditing(false); void save({ name }); } if (e.key === 'Escape') { setEditing(false); setName(run.name); } }}
            onBlur={() => { setEditing(false); if (name !== run.name) void save({ name }); }}
          />
        ) : (
          <button type="button" className="wh-link" onClick={() => setEditing(true)} data-testid="run-rename">Rename</button>
        )}
        <button type="button" className="wh-link wh-runmeta__delete" onClick={() => void remove()} disabled={run.status === 'running'} title={run.status === 'running' ? 'Cancel the run first' : undefined} data-testid="run-delete">Delete run</button>
      </div>
      <div className="wh-runmeta__tags" data-testid="run-tags">
        {tags.map((t) => (
          <span key={t} className="wh-tag" data-testid={`run-tag-${t}`}>
            {t}
            <button type="button" className="wh-tag__x" aria-label={`Remove tag ${t}`} onClick={() => void save({ tags: tags.filter((x) => x !== t) })}>×</button>
          </span>
        ))}
        <input
          className="wh-input wh-runmeta__tag-input" placeholder="Add tag…" value={tagDraft} aria-label="Add a tag" data-testid="run-tag-input"
          onChange={(e) => setTagDraft(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') addTag(); }}
        />
      </div>
      <textarea
        className="wh-input wh-runmeta__note" placeholder="Note: what this run tried, what you learned…" value={note} aria-label="Run note" rows={2} data-testid="run-note"
        onChange={(e) => setNote(e.target.value)} onBlur={() => { if (note !== (run.note ?? '')) void save({ note }); }}
      />
      {error && <p className="wh-error" data-testid="run-meta-error">{error}</p>}
    </div>
  );
}
