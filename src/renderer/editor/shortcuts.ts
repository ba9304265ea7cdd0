// The keyboard shortcuts, listed once: the key handler and the help overlay read this.
export interface Shortcut {
  keys: string;
  action: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl+Z', action: 'Undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', action: 'Redo' },
  { keys: 'Ctrl+C', action: 'Copy the selection (nodes, notes, groups with what is inside them)' },
  { keys: 'Ctrl+X', action: 'Cut the selection' },
  { keys: 'Ctrl+V', action: 'Paste (the pasted items are selected; one undo takes them back)' },
  { keys: 'Ctrl+D', action: 'Duplicate the selection' },
  { keys: 'Double-click the canvas', action: 'Search for a node to add there' },
  { keys: 'Right-click / Shift+F10', action: 'Menu of the node, connection or canvas' },
  { keys: 'Ctrl+Shift+L', action: 'Auto-layout (notes in a group or beside a node move with it; others stay)' },
  { keys: 'Ctrl+A', action: 'Select everything' },
  { keys: 'Delete / Backspace', action: 'Delete the selection' },
  { keys: 'Shift+click', action: 'Add a node, note or group to the selection' },
  { keys: 'Shift+drag', action: 'Select with a box' },
  { keys: 'Ctrl+S', action: 'Save' },
  { keys: 'Ctrl+Shift+S', action: 'Save as' },
  { keys: 'Ctrl+O', action: 'Open' },
  { keys: 'Ctrl+Enter', action: 'Run the pipeline' },
  { keys: 'Ctrl+B', action: 'Show / hide the node palette' },
  { keys: 'Ctrl+Alt+B', action: 'Show / hide the inspector' },
  { keys: 'Escape', action: 'Clear the selection / close a dialog' },
  { keys: '?', action: 'Show this list' },
];
