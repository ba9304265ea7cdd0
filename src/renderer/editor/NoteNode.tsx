// A sticky note: markdown (headings, lists, emphasis, code; raw HTML, links and images are
// shown as text) rendered by markdown-it. Double-click edits the text; Ctrl+Enter or a click
// outside keeps it (one undo step), Escape drops the edit.
import { memo, useMemo, useState } from 'react';
import MarkdownIt from 'markdown-it';
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import type { NoteFlowNode } from './flowTypes.ts';
import { inlineEditProps } from './inlineEditProps.ts';

// html: false escapes any HTML in the text. No links or images: a note must neither load a
// remote picture nor navigate the window away from the editor.
const markdown = new MarkdownIt({ html: false, linkify: false, breaks: true }).disable(['link', 'image', 'autolink']);

function NoteNodeImpl({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const store = usePipelineStoreApi();
  const [editing, setEditing] = useState(false);
  const html = useMemo(() => markdown.render(data.text), [data.text]);
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
        ) : (
          // markdown-it output with HTML disabled: only the markup it generates itself.
          <div className="wh-note__text nowheel" dangerouslySetInnerHTML={{ __html: html }} />
        )}
      </div>
    </>
  );
}

export const NoteNode = memo(NoteNodeImpl);
