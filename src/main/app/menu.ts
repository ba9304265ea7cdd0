// The application menu. Editing commands are sent to the editor as `app.menu` events
// (the editor owns undo, save and run); the rest are Electron roles.
import type { EventPayload } from '../../shared/api/contract.ts';
import type { ElectronMain, MenuItemOptions } from './electron-api.ts';

type Command = EventPayload<'app.menu'>['command'];

export function buildMenu(electron: ElectronMain, send: (command: Command) => void, isMac = process.platform === 'darwin'): void {
  const item = (label: string, command: Command, accelerator?: string): MenuItemOptions => ({ label, click: () => send(command), ...(accelerator ? { accelerator } : {}) });
  const sep: MenuItemOptions = { type: 'separator' };
  const template: MenuItemOptions[] = [
    ...(isMac ? [{ role: 'appMenu' }] : []),
    {
      label: 'File',
      submenu: [
        item('New Pipeline', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        item('Open Model for Viewing…', 'openModel', 'CmdOrCtrl+Shift+O'),
        item('Examples…', 'examples'),
        sep,
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        sep,
        item('Import JSON…', 'import', 'CmdOrCtrl+I'),
        item('Export JSON…', 'export', 'CmdOrCtrl+E'),
        sep,
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        sep,
        { role: 'cut' }, { role: 'copy' }, { role: 'paste' },
        item('Duplicate', 'duplicate', 'CmdOrCtrl+D'),
        item('Delete', 'delete'),
        // A role, so Ctrl+A keeps working in text fields; the canvas handles its own.
        { role: 'selectAll' },
      ],
    },
    {
      label: 'Run',
      submenu: [item('Run Pipeline', 'run', 'CmdOrCtrl+Enter'), item('Cancel Run', 'cancel', 'CmdOrCtrl+.'), sep, item('Run History', 'runs', 'CmdOrCtrl+H')],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, sep, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ];
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(template));
}
