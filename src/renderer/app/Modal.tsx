// A plain modal dialog: a backdrop, a titled box, Escape closes.
import { useEffect, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export function Modal({ title, onClose, children, testId, wide }: { title: string; onClose(): void; children: ReactNode; testId?: string; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // On the page's body, above every stacking context (the editor's canvas and side panels are ones).
  return createPortal(
    <div className="wh-modal__backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className={`wh-modal${wide ? ' wh-modal--wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="wh-modal__header">
          <h2>{title}</h2>
          <button type="button" className="wh-icon-btn" onClick={onClose} aria-label="Close">×</button>
        </div>
        <div className="wh-modal__body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
