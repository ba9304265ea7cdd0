// The canvas' popups: the double-click node search, the context menus (right-click, or
// Shift+F10 / the Menu key on the focused item), and a kind's help. One at a time.
import { useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useReactFlow, type Edge, type Node } from '@xyflow/react';
import type { XY } from '../../shared/editor/types.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { menuItems, menuLabel, type MenuContext, type MenuTarget } from './canvasMenus.ts';
import { obstaclesOf } from './canvasPlacement.ts';
import { addNodeAt } from './editCommands.ts';
import { GROUP_NODE_TYPE, NOTE_NODE_TYPE } from './flowTypes.ts';
import { useAutoLayout } from './useAutoLayout.ts';
import { useRunActions } from './useRunActions.ts';

export type CanvasOverlay =
  | { type: 'search'; screen: XY; at: XY }
  | { type: 'menu'; target: MenuTarget; screen: XY; at: XY }
  | { type: 'help'; kind: string }
  | null;

function targetOf(node: Node): MenuTarget {
  if (node.type === GROUP_NODE_TYPE) return { kind: 'decor', id: node.id, decor: 'group' };
  if (node.type === NOTE_NODE_TYPE) return { kind: 'decor', id: node.id, decor: 'note' };
  return { kind: 'node', id: node.id };
}

export function useCanvasOverlays() {
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  const autoLayout = useAutoLayout();
  const runs = useRunActions();
  const [overlay, setOverlay] = useState<CanvasOverlay>(null);
  const close = useCallback(() => setOverlay(null), []);
  const at = useCallback((screen: XY) => flow.screenToFlowPosition(screen), [flow]);

  const openMenu = useCallback((target: MenuTarget, screen: XY) => setOverlay({ type: 'menu', target, screen, at: at(screen) }), [at]);

  const onDoubleClick = useCallback((e: MouseEvent) => {
    // Only the empty canvas: a double-click on a node, a note or a group title is theirs.
    if (!(e.target as Element).classList.contains('react-flow__pane')) return;
    const screen = { x: e.clientX, y: e.clientY };
    setOverlay({ type: 'search', screen, at: at(screen) });
  }, [at]);

  const onNodeContextMenu = useCallback((e: MouseEvent, node: Node) => {
    e.preventDefault();
    const s = store.getState();
    if (!s.selectedNodes.includes(node.id)) s.select([node.id], []);
    openMenu(targetOf(node), { x: e.clientX, y: e.clientY });
  }, [store, openMenu]);

  const onEdgeContextMenu = useCallback((e: MouseEvent, edge: Edge) => {
    e.preventDefault();
    store.getState().select([], [edge.id]);
    openMenu({ kind: 'edge', id: edge.id }, { x: e.clientX, y: e.clientY });
  }, [store, openMenu]);

  const onPaneContextMenu = useCallback((e: MouseEvent | globalThis.MouseEvent) => {
    e.preventDefault();
    openMenu({ kind: 'canvas' }, { x: e.clientX, y: e.clientY });
  }, [openMenu]);

  // Shift+F10 or the Menu key: the menu of the focused node or connection, else of the canvas.
  const onKeyDown = useCallback((e: KeyboardEvent) => {
    if (e.key !== 'ContextMenu' && !(e.shiftKey && e.key === 'F10')) return;
    e.preventDefault();
    const el = (e.target as Element).closest('.react-flow__node, .react-flow__edge');
    const box = (el ?? (e.currentTarget as Element)).getBoundingClientRect();
    const screen = el ? { x: box.left + 24, y: box.top + 24 } : { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    const id = el?.getAttribute('data-id');
    const node = id ? flow.getNode(id) : undefined;
    if (node) {
      store.getState().select([node.id], []);
      openMenu(targetOf(node), screen);
    } else if (id && el?.classList.contains('react-flow__edge')) {
      store.getState().select([], [id]);
      openMenu({ kind: 'edge', id }, screen);
    } else {
      openMenu({ kind: 'canvas' }, screen);
    }
  }, [flow, store, openMenu]);

  const pickKind = useCallback((kind: string) => {
    if (overlay?.type === 'search') addNodeAt(store, kind, overlay.at, obstaclesOf(flow.getNodes()));
    setOverlay(null);
  }, [overlay, store, flow]);

  const items = useMemo(() => {
    if (overlay?.type !== 'menu') return [];
    const ctx: MenuContext = {
      store,
      at: overlay.at,
      obstacles: () => obstaclesOf(flow.getNodes()),
      selectedRects: () => obstaclesOf(flow.getNodes().filter((n) => n.type === 'pipeline' && store.getState().selectedNodes.includes(n.id))),
      openSearch: () => setOverlay({ type: 'search', screen: overlay.screen, at: overlay.at }),
      showHelp: (kind) => setOverlay({ type: 'help', kind }),
      autoLayout: () => void autoLayout(),
      runTo: (nodeId) => void runs.runTo(nodeId),
    };
    return menuItems(overlay.target, ctx);
  }, [overlay, store, flow, autoLayout, runs]);

  const label = overlay?.type === 'menu' ? menuLabel(overlay.target) : '';
  return { overlay, close, items, label, pickKind, onDoubleClick, onNodeContextMenu, onEdgeContextMenu, onPaneContextMenu, onKeyDown };
}
