// The example gallery: the bundled pipelines of resources/examples (examples.list), each
// card with its model, its steps (from the name: "Model: a -> b -> c"), what it does, and
// the command that runs it headless.
import { useEffect, useState } from 'react';
import type { CallResponse } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';
import { Modal } from '../app/Modal.tsx';
import { exampleHeadline } from '../../shared/editor/exampleHeadline.ts';
import './examples-gallery.css';

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
        {examples?.map((ex) => {
          const { model, steps } = exampleHeadline(ex.name);
          return (
            <button key={ex.id} type="button" className="wh-gallery__card" onClick={() => onOpen(ex.id)} data-testid={`example-${ex.id}`} title={ex.description}>
              <strong>{model}</strong>
              {steps.length > 0 && <span className="wh-gallery__steps">{steps.map((s, i) => <span key={i} className="wh-gallery__step">{s}</span>)}</span>}
              {ex.description && <span className="wh-muted wh-gallery__desc">{ex.description}</span>}
              <code className="wh-gallery__id">whittle run {ex.path.replace(/^.*?(resources[\\/]examples)/, '$1')}</code>
            </button>
          );
        })}
      </div>
    </Modal>
  );
}
