// The browser host's file chooser (files.list): walk up to the root, breadcrumbs, places and
// recent folders, type filters, and Upload or drop-a-file (copied into Whittle/models in the
// workspace, then chosen). Returns an absolute path; Save As takes a name relative to the
// folder shown, or an absolute path as it is typed.
import { useState, type DragEvent } from 'react';
import { Modal } from '../app/Modal.tsx';
import { useAppInfo } from '../app/useAppInfo.ts';
import { Breadcrumbs } from './Breadcrumbs.tsx';
import { FileList } from './FileList.tsx';
import { filtersFor } from './fileFilters.ts';
import { PickerPlaces } from './PickerPlaces.tsx';
import { folderOf, recentFolders, rememberFolder } from './recentFolders.ts';
import { usePickerUpload } from './usePickerUpload.ts';
import { useFolderListing } from './useFolderListing.ts';

interface Props {
  mode: 'open-file' | 'open-folder' | 'save-file';
  extensions?: string[];
  title: string;
  defaultName?: string;
  /** Where to start (e.g. the document's folder); the workspace when absent or not allowed. */
  startDir?: string | null;
  onChoose(path: string): void;
  onCancel(): void;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

function isAbsolute(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\\\');
}

export function FileBrowserDialog({ mode, extensions, title, defaultName = '', startDir, onChoose, onCancel }: Props) {
  const info = useAppInfo();
  const [{ filters, initial }] = useState(() => filtersFor(mode, extensions));
  const [filterId, setFilterId] = useState(initial);
  const [name, setName] = useState(defaultName);
  const wanted = filters.find((f) => f.id === filterId)?.extensions ?? null;
  const { listing, error, setError, setDir, refresh } = useFolderListing(startDir, wanted);

  const choose = (path: string) => {
    rememberFolder(mode === 'open-folder' ? path : folderOf(path));
    onChoose(path);
  };

  const { uploading, upload } = usePickerUpload((path) => {
    if (mode === 'open-file') return choose(path);
    setDir(folderOf(path));
    refresh();
  }, setError);

  const canUpload = info.door === 'browser' && mode !== 'open-folder';
  const onDrop = (e: DragEvent) => {
    if (!canUpload || e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    e.stopPropagation();
    void upload(e.dataTransfer.files);
  };

  return (
    <Modal title={title} onClose={onCancel} testId="file-browser" wide>
      <div className="wh-files" onDragOver={(e) => { if (canUpload) e.preventDefault(); }} onDrop={onDrop}>
        <div className="wh-files__bar">
          <button type="button" className="wh-btn wh-btn--small" disabled={!listing?.parent} onClick={() => listing?.parent && setDir(listing.parent)} data-testid="file-browser-up" title="Up one folder">↑ Up</button>
          {listing && <Breadcrumbs root={listing.root} dir={listing.dir} onGo={setDir} />}
        </div>
        <div className="wh-files__path" data-testid="file-browser-dir">{listing?.dir ?? '…'}</div>
        {error && <p className="wh-error" data-testid="file-browser-error">{error}</p>}
        <div className="wh-files__body">
          <PickerPlaces roots={listing?.roots ?? []} recent={recentFolders()} onGo={setDir} />
          <FileList
            entries={listing?.entries ?? null}
            parent={listing?.parent ?? null}
            onUp={() => listing?.parent && setDir(listing.parent)}
            onOpenFolder={setDir}
            onPickFile={(e) => (mode === 'save-file' ? setName(e.name) : mode === 'open-file' ? choose(e.path) : undefined)}
          />
        </div>
        <div className="wh-modal__actions">
          <select className="wh-input wh-files__filter" value={filterId} onChange={(e) => setFilterId(e.target.value)} data-testid="file-browser-filter" aria-label="Show">
            {filters.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
          </select>
          {canUpload && (
            <label className="wh-btn" title="Copy a file from this computer into Whittle/models in the workspace (or drop it here)">
              {uploading ? `Uploading ${uploading}…` : 'Upload…'}
              <input type="file" hidden data-testid="file-browser-upload" onChange={(e) => { if (e.target.files) void upload(e.target.files); }} />
            </label>
          )}
          {mode === 'save-file' && (
            <input className="wh-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="file name or absolute path" data-testid="file-browser-name" />
          )}
          <button type="button" className="wh-btn" onClick={onCancel}>Cancel</button>
          {mode !== 'open-file' && (
            <button
              type="button"
              className="wh-btn wh-btn--primary"
              disabled={!listing || (mode === 'save-file' && !name.trim())}
              data-testid="file-browser-choose"
              onClick={() => listing && choose(mode === 'save-file' ? (isAbsolute(name.trim()) ? name.trim() : joinPath(listing.dir, name.trim())) : listing.dir)}
            >
              {mode === 'save-file' ? 'Save' : 'Choose this folder'}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
