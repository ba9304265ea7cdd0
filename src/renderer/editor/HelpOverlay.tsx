// The keyboard shortcut list, opened with `?`.
import { Modal } from '../app/Modal.tsx';
import { SHORTCUTS } from './shortcuts.ts';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="help-overlay">
      <table className="wh-table wh-shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}><td><kbd>{s.keys}</kbd></td><td>{s.action}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="wh-muted">On macOS, Cmd works wherever Ctrl is listed.</p>
    </Modal>
  );
}
