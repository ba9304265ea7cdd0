// The browser host's file chooser: folders and files of the workspace (files.list).
// Returns an absolute path; for save-file the user types a name in the current folder.
import { useEffect, useState } from 'react';
import type { CallResponse } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';
import { Modal } from '../app/Modal.tsx';

type Listing = CallResponse<'files.list'>;

interface Props {
  mode: 'open-file' | 'open-folder' | 'save-file';
  extensions?: string[];
  title: string;
  defaultName?: string;
  onChoose(path: string): void;
  onCancel(): void;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

export function FileBrowserDialog({ mode, extensions, title, defaultName = '', onChoose, onCancel }: Props) {
  const api = useApi();
  const [dir, setDir] = useState<string | undefined>(undefined);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(defaultName);

  useEffect(() => {
    let live = true;
    api.call('files.list', { dir, extensions }).then(
      (res) => { if (live) { setListing(res); setError(null); } },
      (err: unknown) => { if (live) setError(err instanceof Error ? err.message : String(err)); },
    );
    return () => { live = false; };
  }, [api, dir, extensions]);

  const verb = mode === 'save-file' ? 'Save' : mode === 'open-folder' ? 'Choose this folder' : 'Open';
  return (
    <Modal title={title} onClose={onCancel} testId="file-browser">
      <div className="wh-files__path" data-testid="file-browser-dir">{listing?.dir ?? '…'}</div>
      {error && <p className="wh-error">{error}</p>}
      <ul className="wh-files__list">
        {listing?.parent && (
          <li><button type="button" className="wh-files__entry" onClick={() => setDir(listing.parent ?? undefined)}>⬑ ..</button></li>
        )}
        {listing?.entries.map((e) => (
          <li key={e.path}>
            <button
              type="button"
              className={`wh-files__entry wh-files__entry--${e.kind}`}
              data-testid={`file-entry-${e.name}`}
              onClick={() => {
                if (e.kind === 'dir') setDir(e.path);
                else if (mode === 'save-file') setName(e.name);
                else if (mode === 'open-file') onChoose(e.path);
              }}
            >
              {e.kind === 'dir' ? '📁' : '📄'} {e.name}
              {e.kind === 'file' && <span className="wh-muted"> {(e.sizeBytes / 1024).toFixed(1)} KB</span>}
            </button>
          </li>
        ))}
        {listing && listing.entries.length === 0 && <li className="wh-muted">This folder is empty.</li>}
      </ul>
      <div className="wh-modal__actions">
        {mode === 'save-file' && (
          <input className="wh-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="file name" data-testid="file-browser-name" />
        )}
        <button type="button" className="wh-btn" onClick={onCancel}>Cancel</button>
        {mode !== 'open-file' && (
          <button
            type="button"
            className="wh-btn wh-btn--primary"
            disabled={!listing || (mode === 'save-file' && !name.trim())}
            data-testid="file-browser-choose"
            onClick={() => listing && onChoose(mode === 'save-file' ? joinPath(listing.dir, name.trim()) : listing.dir)}
          >
            {verb}
          </button>
        )}
      </div>
    </Modal>
  );
}
