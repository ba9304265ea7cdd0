// The example gallery: the bundled pipelines of resources/examples (examples.list).
import { useEffect, useState } from 'react';
import type { CallResponse } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';
import { Modal } from '../app/Modal.tsx';

type Example = CallResponse<'examples.list'>['examples'][number];

export function ExamplesGallery({ onOpen, onClose }: { onOpen(id: string): void; onClose(): void }) {
  const api = useApi();
  const [examples, setExamples] = useState<Example[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('examples.list', {}).then((r) => setExamples(r.examples), (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [api]);
  return (
    <Modal title="Example pipelines" onClose={onClose} testId="examples-gallery" wide>
      {error && <p className="wh-error">{error}</p>}
      {!examples && !error && <p className="wh-muted">Loading…</p>}
      {examples?.length === 0 && <p className="wh-muted">No examples are bundled with this build.</p>}
      <div className="wh-gallery">
        {examples?.map((ex) => (
          <button key={ex.id} type="button" className="wh-gallery__card" onClick={() => onOpen(ex.id)} data-testid={`example-${ex.id}`}>
            <strong>{ex.name}</strong>
            {ex.description && <span className="wh-muted">{ex.description}</span>}
            <code className="wh-gallery__id">{ex.id}</code>
          </button>
        ))}
      </div>
    </Modal>
  );
}
