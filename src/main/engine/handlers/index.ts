// Every node kind's handler, by kind. Add one line per kind (keep the list sorted).
import type { NodeHandler } from '../handler.ts';

export const HANDLERS: Record<string, NodeHandler> = {
};
