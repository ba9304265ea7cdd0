// What each context menu offers: a node, a group or note, a connection, the empty canvas.
import type { PipelineStore } from '../store/createPipelineStore.ts';
import type { Rect } from '../../shared/editor/placement.ts';
import type { XY } from '../../shared/editor/types.ts';
import type { MenuItem } from './ContextMenu.tsx';
import { addGroupAt, addNoteAt, deleteEdge, deleteSelection, disconnectNode, duplicateSelection, hasClipboard, pasteClipboard } from './editCommands.ts';
import { AUTO_LAYOUT_SHORTCUT } from './useAutoLayout.ts';

export type MenuTarget =
  | { kind: 'node'; id: string }
  | { kind: 'decor'; id: string; decor: 'group' | 'note' }
  | { kind: 'edge'; id: string }
  | { kind: 'canvas' };

export interface MenuContext {
  store: PipelineStore;
  /** The flow position the menu was opened at (new items go there). */
  at: XY;
  obstacles(): Rect[];
  /** Boxes of the selected nodes (a new group wraps them). */
  selectedRects(): Rect[];
  openSearch(): void;
  showHelp(kind: string): void;
  autoLayout(): void;
  /** Runs one node and what it depends on. */
  runTo(nodeId: string): void;
}

function nodeItems(ctx: MenuContext, id: string): MenuItem[] {
  const { store } = ctx;
  const node = store.getState().history.present.nodes.find((n) => n.id === id);
  const busy = store.getState().run?.status === 'running' || store.getState().awaitingRun;
  return [
    { id: 'duplicate', label: 'Duplicate', shortcut: 'Ctrl+D', run: () => duplicateSelection(store, ctx.obstacles()) },
    { id: 'disconnect', label: 'Disconnect', run: () => disconnectNode(store, id) },
    { id: 'run-to-here', label: busy ? 'Run to here (a run is going on)' : 'Run to here', disabled: busy, run: () => ctx.runTo(id) },
    { id: 'help', label: 'Help', disabled: !node || !store.getState().kinds.has(node.kind), run: () => node && ctx.showHelp(node.kind) },
    { id: 'delete', label: 'Delete', shortcut: 'Del', danger: true, run: () => deleteSelection(store) },
  ];
}

function canvasItems(ctx: MenuContext): MenuItem[] {
  const { store } = ctx;
  const grouping = ctx.selectedRects().length > 0;
  return [
    { id: 'add-node', label: 'Add node…', shortcut: 'Double-click', run: ctx.openSearch },
    { id: 'paste', label: 'Paste here', shortcut: 'Ctrl+V', disabled: !hasClipboard(), run: () => pasteClipboard(store, ctx.obstacles(), ctx.at) },
    { id: 'auto-layout', label: 'Auto-layout', shortcut: AUTO_LAYOUT_SHORTCUT, disabled: store.getState().history.present.nodes.length === 0, run: ctx.autoLayout },
    { id: 'add-note', label: 'Add note', run: () => void addNoteAt(store, ctx.at, ctx.obstacles()) },
    { id: 'add-group', label: grouping ? 'Group the selected nodes' : 'Add group', run: () => void addGroupAt(store, ctx.at, ctx.selectedRects()) },
  ];
}

export function menuItems(target: MenuTarget, ctx: MenuContext): MenuItem[] {
  switch (target.kind) {
    case 'node':
      return nodeItems(ctx, target.id);
    case 'decor':
      return [
        { id: 'duplicate', label: target.decor === 'group' ? 'Duplicate group and its contents' : 'Duplicate note', shortcut: 'Ctrl+D', run: () => duplicateSelection(ctx.store, ctx.obstacles()) },
        { id: 'delete', label: target.decor === 'group' ? 'Delete group (its nodes stay)' : 'Delete note', shortcut: 'Del', danger: true, run: () => deleteSelection(ctx.store) },
      ];
    case 'edge':
      return [{ id: 'delete-edge', label: 'Delete connection', shortcut: 'Del', danger: true, run: () => deleteEdge(ctx.store, target.id) }];
    case 'canvas':
      return canvasItems(ctx);
  }
}

export function menuLabel(target: MenuTarget): string {
  return { node: 'Node actions', decor: 'Group or note actions', edge: 'Connection actions', canvas: 'Canvas actions' }[target.kind];
}
