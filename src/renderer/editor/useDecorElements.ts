// Groups and sticky notes of the document as React Flow nodes. Groups come first and sit
// below everything (z -1), and only their title bar catches the pointer, so a click or a
// double-click inside a group still reaches the canvas. Objects are cached per item so an
// unchanged one keeps its identity while something else is dragged.
import { useMemo, useRef } from 'react';
import type { EditorGroup, EditorNote } from '../../shared/editor/types.ts';
import type { PipelineState } from '../store/createPipelineStore.ts';
import { GROUP_NODE_TYPE, NOTE_NODE_TYPE, type GroupFlowNode, type NoteFlowNode } from './flowTypes.ts';

const NONE: never[] = [];
export const selectGroups = (s: PipelineState): EditorGroup[] => s.history.present.groups ?? NONE;
export const selectNotes = (s: PipelineState): EditorNote[] => s.history.present.notes ?? NONE;

type Item = EditorGroup | EditorNote;

function toFlow(item: Item, selected: boolean): GroupFlowNode | NoteFlowNode {
  const common = { id: item.id, position: item.position, width: item.size.width, height: item.size.height, selected };
  if ('title' in item) {
    return { ...common, type: GROUP_NODE_TYPE, data: { title: item.title }, zIndex: -1, dragHandle: '.wh-group__title', className: 'wh-group-node' };
  }
  return { ...common, type: NOTE_NODE_TYPE, data: { text: item.text }, className: 'wh-note-node' };
}

export function useDecorElements(groups: EditorGroup[], notes: EditorNote[], selectedNodes: string[]) {
  const cache = useRef(new Map<string, { src: Item; selected: boolean; flow: GroupFlowNode | NoteFlowNode }>());
  return useMemo(() => {
    const selected = new Set(selectedNodes);
    const next = new Map<string, { src: Item; selected: boolean; flow: GroupFlowNode | NoteFlowNode }>();
    const build = (item: Item) => {
      const isSelected = selected.has(item.id);
      let entry = cache.current.get(item.id);
      if (!entry || entry.src !== item || entry.selected !== isSelected) entry = { src: item, selected: isSelected, flow: toFlow(item, isSelected) };
      next.set(item.id, entry);
      return entry.flow;
    };
    const groupNodes = groups.map(build);
    const noteNodes = notes.map(build);
    cache.current = next;
    return { groupNodes, noteNodes };
  }, [groups, notes, selectedNodes]);
}
