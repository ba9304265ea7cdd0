// The entries of one folder in the picker: folders first, then the files the filter shows.
import type { CallResponse } from '../../shared/api/contract.ts';

type Entry = CallResponse<'files.list'>['entries'][number];

interface Props {
  entries: Entry[] | null;
  parent: string | null;
  onUp(): void;
  onOpenFolder(path: string): void;
  onPickFile(entry: Entry): void;
}

export function FileList({ entries, parent, onUp, onOpenFolder, onPickFile }: Props) {
  return (
    <ul className="wh-files__list" data-testid="file-browser-list">
      {parent && (
        <li><button type="button" className="wh-files__entry" onClick={onUp} data-testid="file-entry-up">⬑ ..</button></li>
      )}
      {entries?.map((e) => (
        <li key={e.path}>
          <button
            type="button"
            className={`wh-files__entry wh-files__entry--${e.kind}`}
            data-testid={`file-entry-${e.name}`}
            onClick={() => (e.kind === 'dir' ? onOpenFolder(e.path) : onPickFile(e))}
          >
            {/* A CSS-drawn icon: emoji folders need a colour-emoji font many Linux desktops lack (they drew as empty boxes). */}
            <span className={`wh-files__icon wh-files__icon--${e.kind}`} aria-hidden="true" />{e.name}
            {e.kind === 'file' && <span className="wh-muted"> {(e.sizeBytes / 1024).toFixed(1)} KB</span>}
          </button>
        </li>
      ))}
      {entries && entries.length === 0 && <li className="wh-muted">Nothing here matches the filter.</li>}
    </ul>
  );
}
