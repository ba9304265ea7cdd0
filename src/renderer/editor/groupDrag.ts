// A group carries what lies inside it: when its drag starts, the nodes, notes and groups
// whose centre is inside it are noted with their start positions, and every drag step
// moves them by the group's own displacement (ComfyUI's rule).
import type { Node } from '@xyflow/react';
import { membersOf } from '../../shared/editor/placement.ts';
import type { XY } from '../../shared/editor/types.ts';
import { GROUP_NODE_TYPE } from './flowTypes.ts';

export interface GroupDrag {
  start: XY;
  members: Map<string, XY>;
}

function rectOf(n: Node) {
  return { id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? n.width ?? 0, height: n.measured?.height ?? n.height ?? 0 };
}

/** The members of each group in `groupIds`, as the canvas shows them before the drag. */
export function startGroupDrags(groupIds: string[], flowNodes: Node[]): Map<string, GroupDrag> {
  const drags = new Map<string, GroupDrag>();
  const items = flowNodes.map(rectOf);
  for (const id of groupIds) {
    const group = flowNodes.find((n) => n.id === id && n.type === GROUP_NODE_TYPE);
    if (!group) continue;
    const inside = membersOf(rectOf(group), items);
    drags.set(id, { start: group.position, members: new Map(inside.map((m) => [m, flowNodes.find((n) => n.id === m)!.position])) });
  }
  return drags;
}

/** Positions of the members for the groups' new positions (items React Flow moves itself are left alone). */
export function memberPositions(drags: Map<string, GroupDrag>, positions: Record<string, XY>): Record<string, XY> {
  const out: Record<string, XY> = {};
  for (const [id, drag] of drags) {
    const at = positions[id];
    if (!at) continue;
    const dx = at.x - drag.start.x;
    const dy = at.y - drag.start.y;
    for (const [member, from] of drag.members) {
      if (!positions[member]) out[member] = { x: from.x + dx, y: from.y + dy };
    }
  }
  return out;
}
