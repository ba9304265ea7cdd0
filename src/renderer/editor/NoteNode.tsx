// A sticky note: markdown (headings, lists, emphasis, code; raw HTML, links and images are
// shown as text) rendered by markdown-it (useNoteMarkdown.ts). Double-click edits the text;
// Ctrl+Enter or a click outside keeps it (one undo step), Escape drops the edit.
import { memo, useState } from 'react';
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import type { NoteFlowNode } from './flowTypes.ts';
import { inlineEditProps } from './inlineEditProps.ts';
import { useNoteMarkdown } from './useNoteMarkdown.ts';

function NoteNodeImpl({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const store = usePipelineStoreApi();
  const [editing, setEditing] = useState(false);
  const html = useNoteMarkdown(data.text);
  const save = (text: string) => {
    setEditing(false);
    if (text !== data.text) store.getState().commit([{ type: 'updateNote', id, patch: { text } }]);
  };
  return (
    <>
      <NodeResizer isVisible={selected && !editing} minWidth={120} minHeight={60} />
      <div className={`wh-note${selected ? ' wh-note--selected' : ''}`} data-testid={`note-${id}`} onDoubleClick={() => setEditing(true)}>
        {editing ? (
          <textarea
            className="wh-note__editor nodrag nowheel"
            aria-label="Note text (markdown)"
            {...inlineEditProps(data.text, save, () => setEditing(false), true)}
            data-testid={`note-editor-${id}`}
          />
        ) : data.text.trim() === '' ? (
          <p className="wh-note__empty">Double-click to write a note (markdown).</p>
        ) : html === null ? (
          <div className="wh-note__text wh-note__text--plain nowheel">{data.text}</div>
        ) : (
          // markdown-it output with HTML disabled: only the markup it generates itself.
          <div className="wh-note__text nowheel" dangerouslySetInnerHTML={{ __html: html }} />
        )}
      </div>
    </>
  );
}

export const NoteNode = memo(NoteNodeImpl);
