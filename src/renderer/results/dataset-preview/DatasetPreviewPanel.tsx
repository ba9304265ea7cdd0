// Thumbnails of a dataset node's first samples (datasets.preview), for the inspector:
// what the model will see after resize/crop, re-read when the node's params settle.
import { useEffect, useState } from 'react';
import type { DatasetPreview } from '../../../shared/api/models.ts';
import { useApi } from '../../api/useApi.ts';
import './dataset-preview.css';

const DATASET_KINDS = new Set(['dataset.mnist', 'dataset.images', 'dataset.tensors', 'dataset.synthetic']);
/** Wait this long after the last param edit before decoding images again. */
const SETTLE_MS = 400;

interface Props {
  kind: string;
  params: Record<string, unknown>;
  /** The open pipeline file, so relative paths resolve (null when unsaved). */
  documentPath: string | null;
  count?: number;
}

type State = { status: 'idle' | 'loading' } | { status: 'ok'; preview: DatasetPreview } | { status: 'error'; message: string };

export function DatasetPreviewPanel({ kind, params, documentPath, count = 8 }: Props) {
  const api = useApi();
  const [state, setState] = useState<State>({ status: 'idle' });
  const key = JSON.stringify([kind, params, documentPath, count]);
  useEffect(() => {
    if (!DATASET_KINDS.has(kind)) return;
    let live = true;
    setState({ status: 'loading' });
    const timer = setTimeout(() => {
      api.call('datasets.preview', { kind, params, documentPath, count }).then(
        (preview) => { if (live) setState({ status: 'ok', preview }); },
        (err: unknown) => { if (live) setState({ status: 'error', message: err instanceof Error ? err.message : String(err) }); },
      );
    }, SETTLE_MS);
    return () => { live = false; clearTimeout(timer); };
    // `key` stands for kind/params/documentPath/count, which arrive as fresh objects each render.
  }, [api, key]);
  if (!DATASET_KINDS.has(kind)) return null;
  return (
    <section className="wh-dspreview" data-testid="dataset-preview">
      <h3 className="wh-dspreview__title">Preview</h3>
      {state.status === 'loading' && <p className="wh-muted">Reading samples…</p>}
      {state.status === 'error' && <p className="wh-error">{state.message}</p>}
      {state.status === 'ok' && (
        <>
          <p className="wh-muted">{state.preview.label} · samples of [{state.preview.sampleShape.join(', ')}]</p>
          {state.preview.note && <p className="wh-muted">{state.preview.note}</p>}
          <div className="wh-dspreview__grid">
            {state.preview.samples.map((s) => (
              <figure key={s.index} className="wh-dspreview__item">
                <img src={s.dataUrl} alt={`sample ${s.index}${s.className ? ` (${s.className})` : ''}`} width={64} height={64} />
                {s.label !== undefined && <figcaption>{s.className ?? s.label}</figcaption>}
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
