// A group on the canvas: a titled, resizable rectangle. Dragging its title bar moves the
// nodes inside it along (useCanvasHandlers); double-clicking the title renames it.
import { memo, useState } from 'react';
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import type { GroupFlowNode } from './flowTypes.ts';
import { inlineEditProps } from './inlineEditProps.ts';

export const GROUP_MIN_SIZE = { width: 180, height: 100 };

function GroupNodeImpl({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const store = usePipelineStoreApi();
  const [editing, setEditing] = useState(false);
  const rename = (title: string) => {
    setEditing(false);
    const next = title.trim() || 'Group';
    if (next !== data.title) store.getState().commit([{ type: 'updateGroup', id, patch: { title: next } }]);
  };
  return (
    <>
      <NodeResizer isVisible={selected} minWidth={GROUP_MIN_SIZE.width} minHeight={GROUP_MIN_SIZE.height} />
      <div className={`wh-group${selected ? ' wh-group--selected' : ''}`} data-testid={`group-${id}`}>
        <div className="wh-group__title" onDoubleClick={() => setEditing(true)} title="Drag to move the group and the nodes inside it; double-click to rename">
          {editing ? (
            <input
              className="wh-input wh-group__title-input nodrag"
              aria-label="Group title"
              {...inlineEditProps(data.title, rename, () => setEditing(false), false)}
              data-testid={`group-title-input-${id}`}
            />
          ) : (
            <span data-testid={`group-title-${id}`}>{data.title}</span>
          )}
        </div>
      </div>
    </>
  );
}

export const GroupNode = memo(GroupNodeImpl);
